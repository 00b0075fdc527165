using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Nn;

/// <summary>
/// softmax(q k^T / sqrt(d)) v for [B, heads, N, d] tensors, by the kernel that is fastest on CPU. libtorch 2.10's
/// fused SDPA, except for bfloat16 over long key sequences: there its fused CPU kernel is no faster than in float32
/// (SD v1.5's 4096-token self-attention, 8 heads of 40: 185-199 ms; the VAE's, one head of 512: 204-212 ms on this
/// project's machine), while the explicit product -- two oneDNN bfloat16 matmuls around a softmax of the bfloat16
/// scores -- takes 119-173 ms and 87-140 ms. At 1024 tokens the fused kernel wins (20 against 30 ms).
/// docs/performance.md, "Session 4".
/// </summary>
public static class Attention
{
    /// <summary>Key sequences at least this long take the explicit bfloat16 path.</summary>
    public const long ExplicitFromKeys = 2048;

    /// <summary>Largest bfloat16 score block materialised at once (elements): 128 Mi = 256 MiB, one SD v1.5 64x64 self-attention.</summary>
    private const long MaxScoreElements = 128L << 20;

    /// <summary>The attention of <paramref name="query"/> over <paramref name="key"/>/<paramref name="value"/> with ldm's scale head_dim^-0.5.</summary>
    public static Tensor ScaledDotProduct(Tensor query, Tensor key, Tensor value)
    {
        if (query.dtype != ScalarType.BFloat16 || key.shape[2] < ExplicitFromKeys)
        {
            return F.scaled_dot_product_attention(query, key, value);
        }
        var scale = 1.0 / Math.Sqrt(query.shape[^1]);
        var (batch, heads, queries, keys) = (query.shape[0], query.shape[1], query.shape[2], key.shape[2]);
        // Batch items one at a time when the scores of all of them would be large (several sentences per image).
        var perItem = heads * queries * keys;
        if (batch == 1 || batch * perItem <= MaxScoreElements)
        {
            return Explicit(query, key, value, scale);
        }
        using var scope = NewDisposeScope();
        var parts = Enumerable.Range(0, (int)batch)
            .Select(i => Explicit(query.narrow(0, i, 1), key.narrow(0, i, 1), value.narrow(0, i, 1), scale))
            .ToList();
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    private static Tensor Explicit(Tensor query, Tensor key, Tensor value, double scale)
    {
        using var scope = NewDisposeScope();
        var probabilities = matmul(query, key.transpose(-1, -2)).mul_(scale).softmax(-1);
        return matmul(probabilities, value).MoveToOuterDisposeScope();
    }
}
