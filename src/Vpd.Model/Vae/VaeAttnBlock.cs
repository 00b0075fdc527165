using TorchSharp;
using TorchSharp.Modules;
using Vpd.Model.Nn;
using static TorchSharp.torch;

namespace Vpd.Model.Vae;

/// <summary>ldm's <c>AttnBlock</c>: single-head self-attention over all H*W positions (scale C^-0.5), residual.</summary>
internal sealed class VaeAttnBlock : nn.Module<Tensor, Tensor>
{
    private readonly GroupNorm32 norm;
    private readonly Conv2d q;
    private readonly Conv2d k;
    private readonly Conv2d v;
    private readonly Conv2d proj_out;

    /// <summary>An attention block over <paramref name="channels"/> channels.</summary>
    public VaeAttnBlock(long channels, Device? device = null) : base(nameof(VaeAttnBlock))
    {
        norm = Norms.GroupNorm32(channels, VaeResnetBlock.Eps, device);
        q = nn.Conv2d(channels, channels, 1, device: device);
        k = nn.Conv2d(channels, channels, 1, device: device);
        v = nn.Conv2d(channels, channels, 1, device: device);
        proj_out = nn.Conv2d(channels, channels, 1, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (b, c, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        var h = norm.forward(x);
        // [B, C, H, W] -> [B, 1, HW, C]: one head whose dimension is C, so the scale is C^-0.5.
        Tensor Tokens(Conv2d conv) => conv.forward(h).reshape(b, c, height * width).transpose(1, 2).unsqueeze(1);
        var attended = Attention.ScaledDotProduct(Tokens(q), Tokens(k), Tokens(v));
        var back = attended.squeeze(1).transpose(1, 2).reshape(b, c, height, width);
        return (x + proj_out.forward(back)).MoveToOuterDisposeScope();
    }
}
