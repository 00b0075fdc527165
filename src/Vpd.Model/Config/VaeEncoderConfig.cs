using System.Text.Json.Nodes;

namespace Vpd.Model.Config;

/// <summary>
/// The KL autoencoder's encoder half (ldm <c>ddconfig</c> plus <c>embed_dim</c>). Only the fields
/// the encoder uses are kept; the decoder's (<c>out_ch</c>) are ignored.
/// </summary>
/// <param name="Ch">Base channel count of the first level.</param>
/// <param name="ChMult">Channel multiplier per level; every level but the last halves the resolution.</param>
/// <param name="AttnResolutions">Feature-map sides (relative to <paramref name="Resolution"/>) that get a self-attention block after each ResnetBlock.</param>
/// <param name="Resolution">Nominal input side; only matters for <paramref name="AttnResolutions"/>.</param>
/// <param name="EmbedDim">Latent channels after <c>quant_conv</c> (the mode is the first EmbedDim of 2*EmbedDim).</param>
public sealed record VaeEncoderConfig(
    int Ch,
    IReadOnlyList<int> ChMult,
    int NumResBlocks,
    int ZChannels,
    bool DoubleZ,
    IReadOnlyList<int> AttnResolutions,
    int InChannels,
    int Resolution,
    int EmbedDim)
{
    /// <summary>Stable Diffusion v1.5's encoder (512 px images, 4 latent channels).</summary>
    public static VaeEncoderConfig Sd15 { get; } = new(128, [1, 2, 4, 4], 2, 4, true, [], 3, 256, 4);

    /// <summary>
    /// The CPU-trainable Tiny stem for 128 px images: 32 base channels at full resolution (GroupNorm's
    /// 32 groups is the floor), doubled only on the two coarsest levels, one ResnetBlock per level.
    /// Latents stay 4 x 16 x 16 like SD's layout at 1/8 scale.
    /// </summary>
    public static VaeEncoderConfig Tiny { get; } = new(32, [1, 1, 2, 2], 1, 4, true, [], 3, 128, 4);

    /// <summary>Factor by which the encoder shrinks the image side.</summary>
    public int DownsampleFactor => 1 << (ChMult.Count - 1);

    /// <summary>Parses an ldm <c>ddconfig</c> JSON object and the separate <c>embed_dim</c>.</summary>
    public static VaeEncoderConfig FromDdConfig(JsonObject ddconfig, int embedDim, string source)
    {
        var config = new VaeEncoderConfig(
            ConfigJson.Int(ddconfig, "ch", source),
            ConfigJson.Ints(ddconfig, "ch_mult", source),
            ConfigJson.Int(ddconfig, "num_res_blocks", source),
            ConfigJson.Int(ddconfig, "z_channels", source),
            ConfigJson.Bool(ddconfig, "double_z", source),
            ConfigJson.Ints(ddconfig, "attn_resolutions", source),
            ConfigJson.Int(ddconfig, "in_channels", source),
            ConfigJson.Int(ddconfig, "resolution", source),
            embedDim);
        config.Validate(source);
        return config;
    }

    /// <summary>Parses a <c>ddconfig</c> JSON string.</summary>
    public static VaeEncoderConfig FromDdConfigJson(string ddconfigJson, int embedDim, string source) =>
        FromDdConfig(ConfigJson.ParseObject(ddconfigJson, source), embedDim, source);

    /// <summary>The ldm <c>ddconfig</c> object (encoder fields only; <c>out_ch</c> mirrors <c>in_channels</c>).</summary>
    public JsonObject ToDdConfig() => new()
    {
        ["double_z"] = DoubleZ,
        ["z_channels"] = ZChannels,
        ["resolution"] = Resolution,
        ["in_channels"] = InChannels,
        ["out_ch"] = InChannels,
        ["ch"] = Ch,
        ["ch_mult"] = ConfigJson.Array(ChMult),
        ["num_res_blocks"] = NumResBlocks,
        ["attn_resolutions"] = ConfigJson.Array(AttnResolutions),
        ["dropout"] = 0.0,
    };

    /// <summary>Throws when the numbers cannot build an encoder.</summary>
    public void Validate(string source)
    {
        if (Ch <= 0 || ChMult.Count == 0 || ChMult.Any(m => m <= 0) || NumResBlocks <= 0 || ZChannels <= 0 || InChannels <= 0 || EmbedDim <= 0)
        {
            throw new InvalidDataException($"{source}: VAE config has a non-positive size: {this}");
        }
        ConfigBounds.AtMost(source, "ddconfig.ch", Ch, 2048, 128);
        ConfigBounds.AllAtMost(source, "ddconfig.ch_mult", ChMult, 8, 64, "[1, 2, 4, 4]");
        ConfigBounds.AtMost(source, "ddconfig.num_res_blocks", NumResBlocks, 16, 2);
        ConfigBounds.AtMost(source, "ddconfig.z_channels", ZChannels, 1024, 4);
        ConfigBounds.AllAtMost(source, "ddconfig.attn_resolutions", AttnResolutions, 8, 1 << 16, "[]");
        ConfigBounds.AtMost(source, "ddconfig.in_channels", InChannels, 64, 3);
        ConfigBounds.AtMost(source, "ddconfig.resolution", Resolution, 1 << 16, 256);
        ConfigBounds.AtMost(source, "embed_dim", EmbedDim, 1024, 4);
        if (ChMult.Any(m => Ch * m % 32 != 0))
        {
            throw new InvalidDataException($"{source}: VAE channels ch * ch_mult must be multiples of 32 (GroupNorm groups): ch {Ch}, ch_mult [{string.Join(", ", ChMult)}]");
        }
    }

    /// <summary>Value equality including the list contents (records compare lists by reference).</summary>
    public bool Equals(VaeEncoderConfig? other) =>
        other is not null && Ch == other.Ch && ChMult.SequenceEqual(other.ChMult) && NumResBlocks == other.NumResBlocks
        && ZChannels == other.ZChannels && DoubleZ == other.DoubleZ && AttnResolutions.SequenceEqual(other.AttnResolutions)
        && InChannels == other.InChannels && Resolution == other.Resolution && EmbedDim == other.EmbedDim;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Ch, ChMult.Count, NumResBlocks, ZChannels, InChannels, EmbedDim);

    /// <inheritdoc />
    public override string ToString() =>
        $"VaeEncoderConfig(ch {Ch}, ch_mult [{string.Join(", ", ChMult)}], num_res_blocks {NumResBlocks}, z {ZChannels}, double_z {DoubleZ}, attn [{string.Join(", ", AttnResolutions)}], in {InChannels}, embed {EmbedDim})";
}
