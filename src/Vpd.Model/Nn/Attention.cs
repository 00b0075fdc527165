using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Nn;

/// <summary>
/// softmax(q k^T / sqrt(d)) v for [B, heads, N, d] tensors, by the kernel that is faster on CPU. libtorch 2.10's
/// fused SDPA, except for bfloat16 with wide heads: its fused CPU kernel takes as long in bfloat16 as in float32
/// for the VAE's mid attention (one head of 512 over 4096 tokens: 204-212 ms on this project's machine), where
/// the explicit product -- two oneDNN bfloat16 matmuls around a softmax of the bfloat16 scores -- takes 87-140 ms.
/// For SD v1.5's UNet heads (40 and 80 wide) the explicit form was faster in single-op timings at 4096 tokens but
/// slower and more variable inside the UNet (medians 3.0-3.2 s against 2.8 s over three rounds: its two 256 MiB
/// score tensors per layer are fresh page-faulted allocations), and 5x less accurate, so the UNet keeps the fused
/// kernel. A variant with each row's estimated maximum subtracted inside the matmul (accurate to 5.8e-3) was no faster
/// inside the UNet either. docs/performance.md, "Session 4" and "Session 5".
/// </summary>
internal static class Attention
{
    /// <summary>bfloat16 heads at least this wide take the explicit path on CPU.</summary>
    public const long ExplicitFromHeadDim = 256;

    /// <summary>Largest bfloat16 score block materialised at once (elements): 128 Mi = 256 MiB, eight SD v1.5 VAE attentions.</summary>
    private const long MaxScoreElements = 128L << 20;

    /// <summary>The attention of <paramref name="query"/> over <paramref name="key"/>/<paramref name="value"/> with ldm's scale head_dim^-0.5.</summary>
    public static Tensor ScaledDotProduct(Tensor query, Tensor key, Tensor value)
    {
        // Only CPU was measured; CUDA's fused kernels are the ones built for bfloat16.
        if (query.dtype != ScalarType.BFloat16 || query.shape[^1] < ExplicitFromHeadDim || query.device_type != DeviceType.CPU)
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
