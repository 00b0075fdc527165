using TorchSharp;
using TorchSharp.Modules;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Vae;

/// <summary>ldm's <c>Encoder</c> (checkpoint prefix <c>first_stage_model.encoder.</c>): image -> 2*z_channels moments.</summary>
internal sealed class VaeEncoder : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly ModuleList<VaeDownLevel> down;
    private readonly VaeMid mid;
    private readonly GroupNorm32 norm_out;
    private readonly Conv2d conv_out;

    /// <summary>An encoder built from <paramref name="config"/>.</summary>
    public VaeEncoder(VaeEncoderConfig config, Device? device = null) : base(nameof(VaeEncoder))
    {
        conv_in = nn.Conv2d(config.InChannels, config.Ch, 3, padding: 1, device: device);
        down = new ModuleList<VaeDownLevel>();
        var channels = config.Ch;
        var resolution = config.Resolution;
        for (var level = 0; level < config.ChMult.Count; level++)
        {
            var outChannels = config.Ch * config.ChMult[level];
            var last = level == config.ChMult.Count - 1;
            down.Add(new VaeDownLevel(channels, outChannels, config.NumResBlocks, config.AttnResolutions.Contains(resolution), !last, device));
            channels = outChannels;
            if (!last)
            {
                resolution /= 2;
            }
        }
        mid = new VaeMid(channels, device);
        norm_out = Norms.GroupNorm32(channels, VaeResnetBlock.Eps, device);
        conv_out = nn.Conv2d(channels, config.DoubleZ ? 2 * config.ZChannels : config.ZChannels, 3, padding: 1, device: device);
        RegisterComponents();
    }

    /// <summary>The parts that run at the image's full resolution: <c>conv_in</c> and the first down level.</summary>
    public IReadOnlyList<nn.Module> FullResolutionParts => [conv_in, down[0]];

    /// <summary><c>conv_in</c> and the first down level's GroupNorms (the level's convolutions excluded).</summary>
    public IReadOnlyList<nn.Module> FullResolutionNormsAndStem =>
        [conv_in, .. down[0].named_modules().Select(m => m.module).OfType<GroupNorm32>()];

    /// <summary>Image [B, in, S, S] -> moments [B, 2*z_channels, S/f, S/f].</summary>
    public override Tensor forward(Tensor x) => Forward(x, null);

    /// <summary>
    /// The encoder forward, reporting <c>mid_block_2_output</c> and <c>encoder_output</c> to <paramref name="trace"/>.
    /// Each part's input is converted to that part's dtype, so some parts may stay float32 in a bfloat16 encoder
    /// (<see cref="MixedPrecision"/>).
    /// </summary>
    public Tensor Forward(Tensor x, ForwardTrace? trace)
    {
        using var scope = NewDisposeScope();
        var h = conv_in.forward(MixedPrecision.As(x, conv_in.weight!.dtype));
        foreach (var level in down)
        {
            // The encoder's own intermediates: each level may update its input in place.
            h = level.ForwardConsuming(MixedPrecision.As(h, MixedPrecision.WeightType(level)));
        }
        h = mid.forward(MixedPrecision.As(h, MixedPrecision.WeightType(mid)));
        trace?.Invoke("mid_block_2_output", h);
        h = conv_out.forward(MixedPrecision.As(F.silu(norm_out.forward(MixedPrecision.As(h, MixedPrecision.WeightType(norm_out)))), conv_out.weight!.dtype));
        trace?.Invoke("encoder_output", h);
        return h.MoveToOuterDisposeScope();
    }
}
