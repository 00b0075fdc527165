using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Unet;

/// <summary>ldm's <c>GEGLU</c>: <c>proj</c> to twice the width; first half = value, second half = gate; value * gelu(gate), exact erf GELU.</summary>
internal sealed class Geglu : nn.Module<Tensor, Tensor>
{
    private readonly Linear proj;

    /// <summary>A GEGLU from <paramref name="inDim"/> to <paramref name="outDim"/>.</summary>
    public Geglu(long inDim, long outDim, Device? device = null) : base(nameof(Geglu))
    {
        proj = nn.Linear(inDim, outDim * 2, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var halves = proj.forward(x).chunk(2, -1);
        return (halves[0] * F.gelu(halves[1])).MoveToOuterDisposeScope();
    }
}

/// <summary>ldm's gated <c>FeedForward</c>: <c>net</c> = [GEGLU(C -> 4C), Dropout, Linear(4C -> C)].</summary>
internal sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    private readonly Sequential net;

    /// <summary>A feed-forward block over <paramref name="dim"/> channels.</summary>
    public FeedForward(long dim, Device? device = null) : base(nameof(FeedForward))
    {
        var inner = dim * 4;
        net = nn.Sequential(new Geglu(dim, inner, device), nn.Dropout(0.0), nn.Linear(inner, dim, device: device));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => net.forward(x);
}
