using TorchSharp;
using TorchSharp.Modules;
using Vpd.Model.Nn;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Vae;

/// <summary>ldm's encoder <c>ResnetBlock</c> without time embedding: two GroupNorm-SiLU-conv steps plus a shortcut.</summary>
internal sealed class VaeResnetBlock : nn.Module<Tensor, Tensor>
{
    internal const double Eps = 1e-6;

    private readonly GroupNorm32 norm1;
    private readonly Conv2d conv1;
    private readonly GroupNorm32 norm2;
    private readonly Conv2d conv2;
    private readonly Conv2d? nin_shortcut;

    /// <summary>A block mapping <paramref name="inChannels"/> to <paramref name="outChannels"/>; a 1x1 shortcut only when they differ.</summary>
    public VaeResnetBlock(long inChannels, long outChannels, Device? device = null) : base(nameof(VaeResnetBlock))
    {
        norm1 = Norms.GroupNorm32(inChannels, Eps, device);
        conv1 = nn.Conv2d(inChannels, outChannels, 3, padding: 1, device: device);
        norm2 = Norms.GroupNorm32(outChannels, Eps, device);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, device: device);
        nin_shortcut = inChannels != outChannels ? nn.Conv2d(inChannels, outChannels, 1, device: device) : null;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => Forward(x, consumeInput: false);

    /// <summary>
    /// As <see cref="forward"/> for a caller that does not use <paramref name="x"/> again: without autograd, a float32
    /// residual stream around bfloat16 convolutions (<see cref="Float32Part.VaeFirstLevelNorms"/>) takes the block's
    /// sum in place, and the result is <paramref name="x"/> itself, still owned by the caller's dispose scope.
    /// </summary>
    internal Tensor ForwardConsuming(Tensor x) => Forward(x, consumeInput: true);

    private Tensor Forward(Tensor x, bool consumeInput)
    {
        using var scope = NewDisposeScope();
        // Without autograd the fresh norm and conv outputs are updated in place: at the encoder's full resolution
        // every new activation is a fresh mmap of 64-128 MiB whose pages the kernel must zero first.
        var inPlace = !is_grad_enabled();
        var h = MixedPrecision.ConvInOwnType(conv1, F.silu(norm1.forward(x), inPlace));
        h = MixedPrecision.ConvInOwnType(conv2, F.silu(norm2.forward(h), inPlace));
        if (inPlace && consumeInput && nin_shortcut is null && h.dtype != x.dtype)
        {
            // The bfloat16 conv output added into the float32 stream where it is: a float32 copy of it would be a fresh
            // 128 MiB mapping at 512 px, which cost 0.1-0.2 s per block on this project's machine (docs/performance.md).
            return x.add_(h);
        }
        var shortcut = nin_shortcut is null ? x : MixedPrecision.ConvInOwnType(nin_shortcut, x);
        // A bfloat16 conv in a float32 level (Float32Part.VaeFirstLevelNorms) adds into the float32 residual stream.
        var sum = inPlace ? MixedPrecision.As(h, shortcut.dtype).add_(shortcut) : shortcut + h;
        return sum.MoveToOuterDisposeScope();
    }
}
