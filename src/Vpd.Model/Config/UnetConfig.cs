using System.Text.Json.Nodes;

namespace Vpd.Model.Config;

/// <summary>
/// The CompVis ldm <c>UNetModel</c> as Stable Diffusion v1 configures it (spatial transformers,
/// a fixed head count, no scale-shift norm). Fields mirror ldm's <c>unet_config</c>.
/// </summary>
/// <param name="ChannelMult">Channel multiplier per level; every level but the last ends with a downsample.</param>
/// <param name="AttentionResolutions">Downsampling factors (1, 2, 4, ...) whose blocks get a SpatialTransformer.</param>
/// <param name="NumHeads">Attention heads; SD v1 fixes 8 and derives head_dim = channels / heads.</param>
/// <param name="Legacy">ldm's head-size switch; with a fixed head count (num_head_channels -1) both values give the same model.</param>
public sealed record UnetConfig(
    int InChannels,
    int OutChannels,
    int ModelChannels,
    IReadOnlyList<int> ChannelMult,
    int NumResBlocks,
    IReadOnlyList<int> AttentionResolutions,
    int NumHeads,
    int TransformerDepth,
    int ContextDim,
    bool Legacy)
{
    /// <summary>Stable Diffusion v1.5's UNet.</summary>
    public static UnetConfig Sd15 { get; } = new(4, 4, 320, [1, 2, 4, 4], 2, [4, 2, 1], 8, 1, 768, false);

    /// <summary>
    /// The CPU-trainable Tiny UNet for 16 x 16 latents (128 px images): 32/64/64/64 channels, attention
    /// only at downsampling factors 2 and 4 -- the only sizes VPD's map filter keeps at 128 px, and
    /// attention at factor 1 would multiply the step time (docs/training.md). Context 64 must
    /// equal the Tiny CLIP hidden size.
    /// </summary>
    public static UnetConfig Tiny { get; } = new(4, 4, 32, [1, 2, 2, 2], 2, [4, 2], 8, 1, 64, false);

    /// <summary>Time embedding width (ldm: 4 x model_channels).</summary>
    public int TimeEmbedDim => ModelChannels * 4;

    /// <summary>Channels of level <paramref name="level"/>.</summary>
    public int LevelChannels(int level) => ModelChannels * ChannelMult[level];

    /// <summary>Parses an ldm <c>unet_config</c> JSON object (extra keys such as image_size, use_checkpoint are ignored).</summary>
    public static UnetConfig FromJson(JsonObject json, string source)
    {
        if (!ConfigJson.BoolOr(json, "use_spatial_transformer", true, source))
        {
            throw new InvalidDataException($"{source}: unet_config.use_spatial_transformer false is not supported (SD v1 uses spatial transformers)");
        }
        var headChannels = ConfigJson.IntOr(json, "num_head_channels", -1, source);
        if (headChannels != -1)
        {
            throw new InvalidDataException($"{source}: unet_config.num_head_channels {headChannels} is not supported (SD v1 fixes num_heads; expected -1)");
        }
        if (ConfigJson.BoolOr(json, "use_scale_shift_norm", false, source))
        {
            throw new InvalidDataException($"{source}: unet_config.use_scale_shift_norm true is not supported (SD v1 adds the time embedding)");
        }
        var config = new UnetConfig(
            ConfigJson.Int(json, "in_channels", source),
            ConfigJson.Int(json, "out_channels", source),
            ConfigJson.Int(json, "model_channels", source),
            ConfigJson.Ints(json, "channel_mult", source),
            ConfigJson.Int(json, "num_res_blocks", source),
            ConfigJson.Ints(json, "attention_resolutions", source),
            ConfigJson.Int(json, "num_heads", source),
            ConfigJson.IntOr(json, "transformer_depth", 1, source),
            ConfigJson.Int(json, "context_dim", source),
            ConfigJson.BoolOr(json, "legacy", false, source));
        config.Validate(source);
        return config;
    }

    /// <summary>Parses a <c>unet_config</c> JSON string.</summary>
    public static UnetConfig FromJson(string json, string source) => FromJson(ConfigJson.ParseObject(json, source), source);

    /// <summary>The ldm <c>unet_config</c> object.</summary>
    public JsonObject ToJson() => new()
    {
        ["in_channels"] = InChannels,
        ["out_channels"] = OutChannels,
        ["model_channels"] = ModelChannels,
        ["attention_resolutions"] = ConfigJson.Array(AttentionResolutions),
        ["num_res_blocks"] = NumResBlocks,
        ["channel_mult"] = ConfigJson.Array(ChannelMult),
        ["num_heads"] = NumHeads,
        ["use_spatial_transformer"] = true,
        ["transformer_depth"] = TransformerDepth,
        ["context_dim"] = ContextDim,
        ["legacy"] = Legacy,
    };

    /// <summary>Throws when the numbers cannot build a UNet.</summary>
    public void Validate(string source)
    {
        if (InChannels <= 0 || OutChannels <= 0 || ModelChannels <= 0 || ChannelMult.Count == 0 || ChannelMult.Any(m => m <= 0)
            || NumResBlocks <= 0 || NumHeads <= 0 || TransformerDepth <= 0 || ContextDim <= 0)
        {
            throw new InvalidDataException($"{source}: UNet config has a non-positive size: {this}");
        }
        ConfigBounds.AtMost(source, "unet_config.in_channels", InChannels, 1024, 4);
        ConfigBounds.AtMost(source, "unet_config.out_channels", OutChannels, 1024, 4);
        ConfigBounds.AtMost(source, "unet_config.model_channels", ModelChannels, 4096, 320);
        ConfigBounds.AllAtMost(source, "unet_config.channel_mult", ChannelMult, 8, 64, "[1, 2, 4, 4]");
        ConfigBounds.AtMost(source, "unet_config.num_res_blocks", NumResBlocks, 16, 2);
        ConfigBounds.AllAtMost(source, "unet_config.attention_resolutions", AttentionResolutions, 8, 1 << 10, "[4, 2, 1]");
        ConfigBounds.AtMost(source, "unet_config.num_heads", NumHeads, 128, 8);
        ConfigBounds.AtMost(source, "unet_config.transformer_depth", TransformerDepth, 16, 1);
        ConfigBounds.AtMost(source, "unet_config.context_dim", ContextDim, 8192, 768);
        for (var level = 0; level < ChannelMult.Count; level++)
        {
            var channels = LevelChannels(level);
            if (channels % 32 != 0 || channels % NumHeads != 0)
            {
                throw new InvalidDataException(
                    $"{source}: UNet level {level} has {channels} channels; it must be a multiple of 32 (GroupNorm groups) and of num_heads {NumHeads}");
            }
        }
    }

    /// <summary>Value equality including the list contents.</summary>
    public bool Equals(UnetConfig? other) =>
        other is not null && InChannels == other.InChannels && OutChannels == other.OutChannels && ModelChannels == other.ModelChannels
        && ChannelMult.SequenceEqual(other.ChannelMult) && NumResBlocks == other.NumResBlocks
        && AttentionResolutions.SequenceEqual(other.AttentionResolutions) && NumHeads == other.NumHeads
        && TransformerDepth == other.TransformerDepth && ContextDim == other.ContextDim && Legacy == other.Legacy;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ModelChannels, ChannelMult.Count, NumResBlocks, NumHeads, ContextDim);

    /// <inheritdoc />
    public override string ToString() =>
        $"UnetConfig(in {InChannels}, out {OutChannels}, model_channels {ModelChannels}, channel_mult [{string.Join(", ", ChannelMult)}], "
        + $"num_res_blocks {NumResBlocks}, attention_resolutions [{string.Join(", ", AttentionResolutions)}], heads {NumHeads}, depth {TransformerDepth}, context {ContextDim})";
}
