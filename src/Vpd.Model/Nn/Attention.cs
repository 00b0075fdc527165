using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Nn;

/// <summary>
/// softmax(q k^T / sqrt(d)) v for [B, heads, N, d] tensors, by the kernel that is faster on CPU. libtorch 2.10's
/// fused SDPA, except for bfloat16 with wide heads (the VAE's mid attention, one head of 512): there the fused CPU
/// kernel is no faster in bfloat16 than in float32, and the explicit product -- two oneDNN bfloat16 matmuls around a
/// softmax of the bfloat16 scores -- is. SD v1.5's UNet heads (40 and 80 wide) keep the fused kernel: the explicit
/// form was slower and less accurate inside the UNet. The measurements are in docs/performance.md.
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
