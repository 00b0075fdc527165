using Vpd.Model.Clip;
using Vpd.Model.Config;
using Vpd.Model.Unet;

namespace Vpd.Tools.Benchmarks;

/// <summary>
/// Multiply-accumulates of one forward, counted analytically from a config the way the reference
/// anchors count them: every Conv2d and Linear (output elements x input fan-in) plus the attention
/// matmuls (QK^T and AV); norms, activations and resizes are not counted. Batch 1; MACs scale linearly with batch.
/// </summary>
public static class MacCount
{
    /// <summary>CLIP text transformer on <paramref name="tokens"/> tokens (causal masking is not subtracted).</summary>
    public static double Clip(ClipTextConfig config, int tokens)
    {
        double t = tokens, d = config.HiddenSize;
        var perLayer = 4 * t * d * d + 2 * t * t * d + 2 * t * d * config.IntermediateSize;
        return config.NumHiddenLayers * perLayer;
    }

    /// <summary>VAE encoder plus <c>quant_conv</c> on an image of side <paramref name="imageSize"/>.</summary>
    public static double VaeEncoder(VaeEncoderConfig config, int imageSize)
    {
        double side = imageSize;
        var nominal = config.Resolution;
        double macs = Conv(config.InChannels, config.Ch, 3, side);
        long channels = config.Ch;
        for (var level = 0; level < config.ChMult.Count; level++)
        {
            long outChannels = config.Ch * config.ChMult[level];
            for (var i = 0; i < config.NumResBlocks; i++)
            {
                macs += ResnetBlock(channels, outChannels, side);
                channels = outChannels;
                if (config.AttnResolutions.Contains(nominal))
                {
                    macs += VaeAttention(channels, side);
                }
            }
            if (level != config.ChMult.Count - 1)
            {
                side /= 2;
                nominal /= 2;
                macs += Conv(channels, channels, 3, side);
            }
        }
        macs += 2 * ResnetBlock(channels, channels, side) + VaeAttention(channels, side);
        var zOut = config.DoubleZ ? 2 * config.ZChannels : config.ZChannels;
        macs += Conv(channels, zOut, 3, side);
        macs += Conv(zOut, 2 * config.EmbedDim, 1, side);
        return macs;
    }

    /// <summary>
    /// The UNet on latents of side <paramref name="latentSize"/> with <paramref name="contextTokens"/> context
    /// tokens; <paramref name="includeOut"/> adds the epsilon head (<c>out</c>), which VPD does not run.
    /// </summary>
    public static double Unet(UnetConfig config, int latentSize, int contextTokens, bool includeOut)
    {
        long emb = config.TimeEmbedDim;
        double macs = config.ModelChannels * emb + emb * emb;
        var layout = UnetLayout.Of(config);
        foreach (var layer in layout.InputBlocks.Append(layout.MiddleBlock).Concat(layout.OutputBlocks).SelectMany(block => block.Layers))
        {
            double side = latentSize / (double)layer.Downscale;
            macs += layer.Kind switch
            {
                UnetLayerKind.ResBlock => UnetResBlock(layer.InChannels, layer.OutChannels, emb, side),
                UnetLayerKind.Transformer => SpatialTransformer(layer.OutChannels, config.TransformerDepth, config.ContextDim, contextTokens, side),
                // The input convolution, the stride-2 downsample and the upsample's convolution: 3x3 at the output's side.
                _ => Conv(layer.InChannels, layer.OutChannels, 3, side),
            };
        }
        if (includeOut)
        {
            macs += Conv(config.ModelChannels, config.OutChannels, 3, latentSize);
        }
        return macs;
    }

    /// <summary>
    /// VPD's text adapter on <paramref name="tokens"/> tokens of width <paramref name="dim"/> (two Linear layers).
    /// </summary>
    public static double TextAdapter(int dim, int tokens) => 2.0 * tokens * dim * dim;

    /// <summary>
    /// SimpleDecoding on features of sides <paramref name="featureSides"/> (finest first, as the head
    /// receives them) with input channels <paramref name="neckDim"/>; the running map works at each skip's side.
    /// </summary>
    public static double Head(IReadOnlyList<int> neckDim, IReadOnlyList<int> featureSides)
    {
        long hidden = neckDim[3] / 2;
        double macs = 0;
        long running = neckDim[3];
        for (var skip = 2; skip >= 0; skip--)
        {
            double side = featureSides[skip];
            macs += Conv(running + neckDim[skip], hidden, 3, side) + Conv(hidden, hidden, 3, side);
            running = hidden;
        }
        return macs + Conv(hidden, 2, 1, featureSides[0]);
    }

    private static double Conv(long inChannels, long outChannels, int kernel, double side) =>
        (double)inChannels * outChannels * kernel * kernel * side * side;

    private static double ResnetBlock(long inChannels, long outChannels, double side) =>
        Conv(inChannels, outChannels, 3, side) + Conv(outChannels, outChannels, 3, side)
        + (inChannels != outChannels ? Conv(inChannels, outChannels, 1, side) : 0);

    private static double UnetResBlock(long inChannels, long outChannels, long embDim, double side) =>
        ResnetBlock(inChannels, outChannels, side) + (double)embDim * outChannels;

    /// <summary>ldm's AttnBlock: q, k, v, proj_out 1x1 convs and one head over all positions.</summary>
    private static double VaeAttention(long channels, double side)
    {
        var n = side * side;
        return 4 * Conv(channels, channels, 1, side) + 2 * n * n * channels;
    }

    /// <summary>proj_in, depth x (self-attention, cross-attention, GEGLU feed-forward), proj_out; inner width = channels.</summary>
    private static double SpatialTransformer(long c, int depth, int contextDim, int contextTokens, double side)
    {
        var n = side * side;
        double m = contextTokens;
        var selfAttention = 4 * n * c * c + 2 * n * n * c;
        var crossAttention = 2 * n * c * c + 2 * m * contextDim * c + 2 * n * m * c;
        var feedForward = n * c * 8 * c + n * 4 * c * c;
        return 2 * n * c * c + depth * (selfAttention + crossAttention + feedForward);
    }
}
