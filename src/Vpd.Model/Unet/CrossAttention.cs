using TorchSharp;
using TorchSharp.Modules;
using Vpd.Model.Nn;
using static TorchSharp.torch;

namespace Vpd.Model.Unet;

/// <summary>
/// ldm's <c>CrossAttention</c>: multi-head attention with bias-free q/k/v projections, scale
/// head_dim^-0.5, heads split from the last axis (head index slow). Self-attention when no context is
/// given. When an <see cref="AttentionStore"/> wants this layer's map, the probabilities are computed
/// explicitly and reported averaged over heads; otherwise <see cref="Attention.ScaledDotProduct"/> picks the faster kernel.
/// </summary>
internal sealed class CrossAttention : nn.Module
{
    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly Sequential to_out;
    private readonly long heads;
    private readonly double scale;
    private readonly UnetPlace place;
    private readonly string path;

    /// <param name="queryDim">Width of the input tokens (= the block's channels).</param>
    /// <param name="contextDim">Width of the context tokens; null for self-attention.</param>
    /// <param name="path">Module path in the UNet (e.g. <c>input_blocks.4.1.transformer_blocks.0.attn2</c>), used to label maps.</param>
    public CrossAttention(long queryDim, long? contextDim, long heads, long headDim, UnetPlace place, string path, Device? device = null)
        : base(nameof(CrossAttention))
    {
        var inner = heads * headDim;
        to_q = nn.Linear(queryDim, inner, hasBias: false, device: device);
        to_k = nn.Linear(contextDim ?? queryDim, inner, hasBias: false, device: device);
        to_v = nn.Linear(contextDim ?? queryDim, inner, hasBias: false, device: device);
        to_out = nn.Sequential(nn.Linear(inner, queryDim, device: device), nn.Dropout(0.0));
        this.heads = heads;
        scale = 1.0 / Math.Sqrt(headDim);
        this.place = place;
        this.path = path;
        RegisterComponents();
    }

    /// <summary>Tokens [B, N, C] attend to <paramref name="context"/> [B, M, Cc] (or to themselves when null).</summary>
    public Tensor forward(Tensor x, Tensor? context, AttentionStore? store)
    {
        using var scope = NewDisposeScope();
        var source = context ?? x;
        var q = SplitHeads(to_q.forward(x));
        var k = SplitHeads(to_k.forward(source));
        var v = SplitHeads(to_v.forward(source));
        Tensor attended;
        if (store is not null && store.Wants(place, context is not null, x.shape[1]))
        {
            var probs = matmul(q, k.transpose(-1, -2)).mul_(scale).softmax(-1);
            store.Add(path, probs.mean([1]));
            attended = matmul(probs, v);
        }
        else
        {
            // Scale head_dim^-0.5, the same as ldm's.
            attended = Attention.ScaledDotProduct(q, k, v);
        }
        var (b, n) = (x.shape[0], x.shape[1]);
        var merged = attended.transpose(1, 2).reshape(b, n, -1);
        return to_out.forward(merged).MoveToOuterDisposeScope();
    }

    /// <summary>[B, N, heads*dh] -> [B, heads, N, dh].</summary>
    private Tensor SplitHeads(Tensor t) => t.view(t.shape[0], t.shape[1], heads, -1).transpose(1, 2);
}
