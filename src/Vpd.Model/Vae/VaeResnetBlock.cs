using TorchSharp;
using TorchSharp.Modules;
using Vpd.Model.Nn;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Vae;

/// <summary>ldm's encoder <c>ResnetBlock</c> without time embedding: two GroupNorm-SiLU-conv steps plus a shortcut.</summary>
public sealed class VaeResnetBlock : nn.Module<Tensor, Tensor>
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
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = conv1.forward(F.silu(norm1.forward(x)));
        h = conv2.forward(F.silu(norm2.forward(h)));
        var shortcut = nin_shortcut is null ? x : nin_shortcut.forward(x);
        return (shortcut + h).MoveToOuterDisposeScope();
    }
}
