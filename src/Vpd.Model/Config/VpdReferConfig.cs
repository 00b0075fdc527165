using System.Text.Json.Nodes;
using Vpd.Model.Diffusion;

namespace Vpd.Model.Config;

/// <summary>
/// VPD's referring-segmentation model: VAE encoder, UNet, text adapter and SimpleDecoding head.
/// Serialised as the JSON object found under the <c>config</c> metadata key of the golden
/// <c>vpd_refer_tiny.safetensors</c> and of the product's own checkpoints.
/// </summary>
/// <param name="ImageSize">Input image side in pixels (square).</param>
/// <param name="BaseSize">VPD's <c>base_size</c>, which fixes the attention-map sizes; must equal <paramref name="ImageSize"/>.</param>
/// <param name="TokenLength">Text tokens per sentence; the head's input channels depend on it.</param>
/// <param name="UseTextAdapter">Whether <c>c = l + gamma * MLP(l)</c> runs (VPD: on; the seed turned it off). Its weights exist either way.</param>
/// <param name="Timestep">UNet timestep when no noise is added (VPD: 1).</param>
public sealed record VpdReferConfig(
    UnetConfig Unet,
    VaeEncoderConfig Vae,
    int ImageSize,
    int BaseSize,
    int TokenLength,
    bool UseTextAdapter = true,
    int Timestep = 1)
{
    /// <summary>The hierarchical levels VPD's head reads (one per UNet level).</summary>
    public const int Levels = 4;

    /// <summary>VPD on Stable Diffusion v1.5 at 512 px with 40 tokens (RefCOCO, RefCOCO+).</summary>
    public static VpdReferConfig Sd15 { get; } = new(UnetConfig.Sd15, VaeEncoderConfig.Sd15, 512, 512, 40);

    /// <summary>The CPU-trainable Tiny model: 128 px images, 16 tokens (RefShapes sentences are at most 5 words).</summary>
    public static VpdReferConfig Tiny { get; } = new(UnetConfig.Tiny, VaeEncoderConfig.Tiny, 128, 128, 16);

    /// <summary>Width of the text embeddings (= the UNet's cross-attention context width).</summary>
    public int TokenEmbedDim => Unet.ContextDim;

    /// <summary>Side of the latent map (image side / 8).</summary>
    public int LatentSize => ImageSize / Vae.DownsampleFactor;

    /// <summary>VPD keeps attention maps with at most this many query positions: ((base/8)/2)^2.</summary>
    public int MaxAttentionQueries => BaseSize / 8 / 2 * (BaseSize / 8 / 2);

    /// <summary>Sides of the averaged attention maps VPD appends: base/16 (to hier 2) and base/32 (to hier 1).</summary>
    public int AttentionSide16 => BaseSize / 16;

    /// <inheritdoc cref="AttentionSide16" />
    public int AttentionSide32 => BaseSize / 32;

    /// <summary>
    /// Input channels of the head per feature, fine to coarse: <c>[C0, C1 + L, C2 + L, C3]</c> with
    /// Ck the UNet's level-k channels and L the token length (SD v1.5, L 40: 320, 680, 1320, 1280).
    /// </summary>
    public IReadOnlyList<int> NeckDim =>
        [Unet.LevelChannels(0), Unet.LevelChannels(1) + TokenLength, Unet.LevelChannels(2) + TokenLength, Unet.LevelChannels(3)];

    /// <summary>Hidden width of the head (neck_dim[3] / 2).</summary>
    public int HeadHiddenDim => NeckDim[3] / 2;

    /// <summary>Parses the <c>config</c> metadata string of a VPDRefer safetensors file.</summary>
    public static VpdReferConfig FromMetadata(IReadOnlyDictionary<string, string> metadata, string source)
    {
        if (!metadata.TryGetValue("config", out var json))
        {
            throw new InvalidDataException($"{source}: metadata has no 'config' entry");
        }
        return FromJson(ConfigJson.ParseObject(json, source), source);
    }

    /// <summary>
    /// Parses the config object: <c>unet_config</c>, <c>ddconfig</c>, <c>embed_dim</c>, <c>image_size</c>,
    /// <c>base_size</c>, <c>token_length</c>, optional <c>use_text_adapter</c> (default true) and
    /// <c>timestep</c> (default 1). <c>token_embed_dim</c> and <c>neck_dim</c>, when present, must
    /// equal the values derived from the rest.
    /// </summary>
    public static VpdReferConfig FromJson(JsonObject json, string source)
    {
        var unet = UnetConfig.FromJson(ConfigJson.Object(json, "unet_config", source), source);
        var vae = VaeEncoderConfig.FromDdConfig(ConfigJson.Object(json, "ddconfig", source), ConfigJson.Int(json, "embed_dim", source), source);
        var config = new VpdReferConfig(
            unet,
            vae,
            ConfigJson.Int(json, "image_size", source),
            ConfigJson.Int(json, "base_size", source),
            ConfigJson.Int(json, "token_length", source),
            ConfigJson.BoolOr(json, "use_text_adapter", true, source),
            ConfigJson.IntOr(json, "timestep", 1, source));
        config.Validate(source);
        if (json.ContainsKey("token_embed_dim") && ConfigJson.Int(json, "token_embed_dim", source) != config.TokenEmbedDim)
        {
            throw new InvalidDataException($"{source}: token_embed_dim {json["token_embed_dim"]} differs from unet_config.context_dim {config.TokenEmbedDim}");
        }
        if (json.ContainsKey("neck_dim") && !ConfigJson.Ints(json, "neck_dim", source).SequenceEqual(config.NeckDim))
        {
            throw new InvalidDataException(
                $"{source}: neck_dim {json["neck_dim"]!.ToJsonString()} differs from the value the UNet and token_length imply [{string.Join(", ", config.NeckDim)}]");
        }
        if (json["schedule"] is JsonObject schedule)
        {
            CheckSchedule(schedule, source);
        }
        return config;
    }

    /// <summary>A stated noise schedule must be the one <see cref="NoiseSchedule"/> implements (SD's scaled linear).</summary>
    private static void CheckSchedule(JsonObject schedule, string source)
    {
        double Number(string name) => schedule[name]?.GetValue<double>() ?? throw new InvalidDataException($"{source}: schedule.{name} is missing");
        var steps = ConfigJson.Int(schedule, "steps", source);
        if (Number("linear_start") != NoiseSchedule.LinearStart || Number("linear_end") != NoiseSchedule.LinearEnd || steps != NoiseSchedule.Steps)
        {
            throw new InvalidDataException(
                $"{source}: schedule {schedule.ToJsonString()} differs from Stable Diffusion's ({NoiseSchedule.LinearStart}, {NoiseSchedule.LinearEnd}, {NoiseSchedule.Steps} steps), the only one supported");
        }
    }

    /// <summary>The config object in the same layout <see cref="FromJson"/> reads (derived values included for readers).</summary>
    public JsonObject ToJson() => new()
    {
        ["unet_config"] = Unet.ToJson(),
        ["ddconfig"] = Vae.ToDdConfig(),
        ["embed_dim"] = Vae.EmbedDim,
        ["base_size"] = BaseSize,
        ["image_size"] = ImageSize,
        ["token_length"] = TokenLength,
        ["token_embed_dim"] = TokenEmbedDim,
        ["neck_dim"] = ConfigJson.Array(NeckDim),
        ["use_text_adapter"] = UseTextAdapter,
        ["timestep"] = Timestep,
        ["schedule"] = new JsonObject
        {
            ["kind"] = "scaled linear (ldm \"linear\")",
            ["linear_start"] = NoiseSchedule.LinearStart,
            ["linear_end"] = NoiseSchedule.LinearEnd,
            ["steps"] = NoiseSchedule.Steps,
        },
    };

    /// <summary>Throws when the parts do not fit together the way VPD wires them.</summary>
    public void Validate(string source)
    {
        Unet.Validate(source);
        Vae.Validate(source);
        if (Unet.ChannelMult.Count != Levels)
        {
            throw new InvalidDataException($"{source}: VPD reads {Levels} UNet levels; channel_mult has {Unet.ChannelMult.Count}");
        }
        if (Vae.EmbedDim != Unet.InChannels)
        {
            throw new InvalidDataException($"{source}: VAE embed_dim {Vae.EmbedDim} differs from the UNet's in_channels {Unet.InChannels}");
        }
        if (Vae.DownsampleFactor != 8)
        {
            throw new InvalidDataException($"{source}: VPD's attention sizes assume a VAE that downsamples by 8; ch_mult gives {Vae.DownsampleFactor}");
        }
        if (ImageSize != BaseSize || ImageSize % 64 != 0 || ImageSize <= 0)
        {
            throw new InvalidDataException($"{source}: image_size {ImageSize} must equal base_size {BaseSize} and be a positive multiple of 64");
        }
        if (!Unet.AttentionResolutions.Contains(2) || !Unet.AttentionResolutions.Contains(4))
        {
            throw new InvalidDataException(
                $"{source}: VPD appends attention maps of the downsampling factors 2 and 4; attention_resolutions is [{string.Join(", ", Unet.AttentionResolutions)}]");
        }
        if (TokenLength <= 0 || Timestep is < 0 or > 999)
        {
            throw new InvalidDataException($"{source}: token_length {TokenLength} must be positive and timestep {Timestep} within 0..999");
        }
        // Inference allocates activations by image size: 2048 px is 16x the pixels VPD trains and tests at.
        ConfigBounds.AtMost(source, "image_size", ImageSize, 2048, 512);
        ConfigBounds.AtMost(source, "token_length", TokenLength, 4096, 40);
    }
}
