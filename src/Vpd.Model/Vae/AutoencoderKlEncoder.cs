using TorchSharp;
using TorchSharp.Modules;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using static TorchSharp.torch;

namespace Vpd.Model.Vae;

/// <summary>
/// The encoding half of ldm's <c>AutoencoderKL</c> (VPD's <c>encoder_vq</c>): <c>encoder</c>,
/// <c>quant_conv</c>, and <c>post_quant_conv</c>, which checkpoints carry but the encoder never uses.
/// </summary>
internal sealed class AutoencoderKlEncoder : nn.Module<Tensor, Tensor>
{
    private readonly VaeEncoder encoder;
    private readonly Conv2d quant_conv;
    private readonly Conv2d post_quant_conv;
    private readonly long embedDim;

    /// <summary>The autoencoder's encoder built from <paramref name="config"/>.</summary>
    public AutoencoderKlEncoder(VaeEncoderConfig config, Device? device = null) : base(nameof(AutoencoderKlEncoder))
    {
        encoder = new VaeEncoder(config, device);
        quant_conv = nn.Conv2d(2 * config.ZChannels, 2 * config.EmbedDim, 1, device: device);
        post_quant_conv = nn.Conv2d(config.EmbedDim, config.ZChannels, 1, device: device);
        embedDim = config.EmbedDim;
        RegisterComponents();
    }

    /// <summary>The encoder (<c>encoder.*</c>), for loading it alone.</summary>
    public VaeEncoder Encoder => encoder;

    /// <summary>The 1x1 conv after the encoder (<c>quant_conv.*</c>), for loading it alone.</summary>
    public Conv2d QuantConv => quant_conv;

    /// <summary>The posterior mode (<c>encode(x).mode()</c>): image [B, 3, S, S] in [-1, 1] -> unscaled latents [B, embed_dim, S/8, S/8].</summary>
    public override Tensor forward(Tensor image) => EncodeMode(image, null);

    /// <summary>
    /// The posterior mode: the first embed_dim channels of <c>quant_conv(encoder(image))</c> (the mean;
    /// the rest is the log-variance). VPD uses it without SD's 0.18215 scale. Reports
    /// <c>mid_block_2_output</c>, <c>encoder_output</c> and <c>moments</c> to <paramref name="trace"/>.
    /// </summary>
    public Tensor EncodeMode(Tensor image, ForwardTrace? trace)
    {
        using var scope = NewDisposeScope();
        var moments = quant_conv.forward(MixedPrecision.As(encoder.Forward(image, trace), quant_conv.weight!.dtype));
        trace?.Invoke("moments", moments);
        return moments.narrow(1, 0, embedDim).MoveToOuterDisposeScope();
    }
}
