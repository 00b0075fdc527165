using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vpd.Model.Unet;

/// <summary>ldm's <c>BasicTransformerBlock</c>: pre-norm self-attention, cross-attention, gated feed-forward, each residual.</summary>
internal sealed class BasicTransformerBlock : nn.Module
{
    // Declaration order = the reference's registration order, so state_dict keys come out in checkpoint order.
    private readonly CrossAttention attn1;
    private readonly FeedForward ff;
    private readonly CrossAttention attn2;
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm2;
    private readonly LayerNorm norm3;

    /// <param name="path">Module path of this block, prefix of its attention layers' labels.</param>
    public BasicTransformerBlock(long dim, long heads, long headDim, long contextDim, UnetPlace place, string path, Device? device = null)
        : base(nameof(BasicTransformerBlock))
    {
        attn1 = new CrossAttention(dim, null, heads, headDim, place, path + ".attn1", device);
        ff = new FeedForward(dim, device);
        attn2 = new CrossAttention(dim, contextDim, heads, headDim, place, path + ".attn2", device);
        norm1 = nn.LayerNorm(dim, 1e-5, device: device);
        norm2 = nn.LayerNorm(dim, 1e-5, device: device);
        norm3 = nn.LayerNorm(dim, 1e-5, device: device);
        RegisterComponents();
    }

    /// <summary>Tokens [B, N, C] with text context [B, L, Cc].</summary>
    public Tensor forward(Tensor x, Tensor context, AttentionStore? store)
    {
        using var scope = NewDisposeScope();
        var h = attn1.forward(norm1.forward(x), null, store) + x;
        h = attn2.forward(norm2.forward(h), context, store) + h;
        h = ff.forward(norm3.forward(h)) + h;
        return h.MoveToOuterDisposeScope();
    }
}
