using TorchSharp;
using Vpd.Model.Nn;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Tests.Nn;

public sealed class AttentionTests
{
    /// <summary>Queries, keys and values [batch, heads, tokens, dim] with peaked (not near-uniform) attention.</summary>
    private static (Tensor Q, Tensor K, Tensor V) Inputs(long batch, long heads, long tokens, long dim, ScalarType dtype)
    {
        manual_seed(5);
        return (randn(batch, heads, tokens, dim).mul_(1.5).to(dtype), randn(batch, heads, tokens, dim).to(dtype), randn(batch, heads, tokens, dim).to(dtype));
    }

    private static double RelativeErrorToFloat64(Tensor actual, Tensor q, Tensor k, Tensor v)
    {
        using var scope = NewDisposeScope();
        var reference = F.scaled_dot_product_attention(q.to(ScalarType.Float64), k.to(ScalarType.Float64), v.to(ScalarType.Float64));
        return ((actual.to(ScalarType.Float64) - reference).norm() / reference.norm()).item<double>();
    }

    [Theory]
    [InlineData(ScalarType.Float32, 512)]
    [InlineData(ScalarType.BFloat16, 40)]
    [InlineData(ScalarType.BFloat16, 80)]
    public void ScaledDotProduct_Float32OrNarrowHeads_IsLibtorchsFusedKernel(ScalarType dtype, long headDim)
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Inputs(1, 2, 256, headDim, dtype);

        Assert.True(Attention.ScaledDotProduct(q, k, v).eq(F.scaled_dot_product_attention(q, k, v)).all().item<bool>());
    }

    [Fact]
    public void ScaledDotProduct_BFloat16WideHead_WithinBFloat16RoundingOfFloat64()
    {
        using var scope = NewDisposeScope();
        // The VAE's mid attention: one head of 512 (here over 1024 tokens).
        var (q, k, v) = Inputs(1, 1, 1024, 512, ScalarType.BFloat16);

        var actual = Attention.ScaledDotProduct(q, k, v);

        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        Assert.Equal(new long[] { 1, 1, 1024, 512 }, actual.shape);
        // Not the fused kernel: this path must stand on its own accuracy.
        var fused = F.scaled_dot_product_attention(q, k, v);
        Assert.False(actual.eq(fused).all().item<bool>());
        // The scores are rounded to bfloat16 before the softmax, which the fused kernel keeps in float32: the bound
        // leaves room for other hosts' kernels.
        var (explicitError, fusedError) = (RelativeErrorToFloat64(actual, q, k, v), RelativeErrorToFloat64(fused, q, k, v));
        Assert.True(explicitError < 0.02 && explicitError < 10 * fusedError, $"explicit {explicitError}, fused {fusedError}");
    }

    [Fact]
    public void ScaledDotProduct_BFloat16BatchTooLargeForOneScoreBlock_SplitsItemsWithTheSameResult()
    {
        using var scope = NewDisposeScope();
        // 9 items x 4 heads x 2048^2 scores = 144 Mi elements: above the 128 Mi block, so items run one at a time.
        var (q, k, v) = Inputs(9, 4, 2048, Attention.ExplicitFromHeadDim, ScalarType.BFloat16);

        var batched = Attention.ScaledDotProduct(q, k, v);

        for (var i = 0; i < 9; i += 4)
        {
            var single = Attention.ScaledDotProduct(q.narrow(0, i, 1), k.narrow(0, i, 1), v.narrow(0, i, 1));
            Assert.True(batched.narrow(0, i, 1).eq(single).all().item<bool>(), $"item {i}");
        }
    }
}
