using TorchSharp;
using TorchSharp.Modules;
using Vpd.Model.Nn;
using static TorchSharp.torch;

namespace Vpd.Model.Unet;

/// <summary>
/// ldm's <c>SpatialTransformer</c>: GroupNorm (eps 1e-6), 1x1 <c>proj_in</c>, transformer blocks over
/// the H*W tokens (row-major), 1x1 <c>proj_out</c>, residual.
/// </summary>
internal sealed class SpatialTransformer : nn.Module
{
    private const double NormEps = 1e-6;

    private readonly GroupNorm32 norm;
    private readonly Conv2d proj_in;
    private readonly ModuleList<BasicTransformerBlock> transformer_blocks;
    private readonly Conv2d proj_out;

    /// <param name="path">Module path of this transformer (e.g. <c>input_blocks.1.1</c>).</param>
    public SpatialTransformer(long channels, long heads, long headDim, int depth, long contextDim, UnetPlace place, string path, Device? device = null)
        : base(nameof(SpatialTransformer))
    {
        var inner = heads * headDim;
        norm = Norms.GroupNorm32(channels, NormEps, device);
        proj_in = nn.Conv2d(channels, inner, 1, device: device);
        transformer_blocks = new ModuleList<BasicTransformerBlock>();
        for (var d = 0; d < depth; d++)
        {
            transformer_blocks.Add(new BasicTransformerBlock(inner, heads, headDim, contextDim, place, $"{path}.transformer_blocks.{d}", device));
        }
        proj_out = nn.Conv2d(inner, channels, 1, device: device);
        RegisterComponents();
    }

    /// <summary>Feature map [B, C, H, W] with text context [B, L, Cc].</summary>
    public Tensor forward(Tensor x, Tensor context, AttentionStore? store)
    {
        using var scope = NewDisposeScope();
        var (b, height, width) = (x.shape[0], x.shape[2], x.shape[3]);
        var h = proj_in.forward(norm.forward(x));
        var channels = h.shape[1];
        h = h.permute(0, 2, 3, 1).reshape(b, height * width, channels);
        foreach (var block in transformer_blocks)
        {
            h = block.forward(h, context, store);
        }
        h = h.reshape(b, height, width, channels).permute(0, 3, 1, 2);
        return (proj_out.forward(h) + x).MoveToOuterDisposeScope();
    }
}
