using Vpd.Tools.SelfTest;
using static TorchSharp.torch;

namespace Vpd.Model.Tests.SelfTest;

public sealed class TensorCheckTests
{
    [Fact]
    public void Compare_WithinRelativeTolerance_Passes()
    {
        using var expected = arange(1, 101, dtype: ScalarType.Float32);
        using var actual = expected * 1.00001f;

        var check = TensorCheck.Compare("c", "t", actual, expected);

        Assert.True(check.Passed, check.ToString());
        Assert.InRange(check.RelativeError!.Value, 1e-6, 2e-5);
    }

    [Fact]
    public void Compare_AttentionMapWithOneLargeValue_FailsOnMaxAbsAlone()
    {
        using var expected = full(10000, 0.5f);
        using var actual = expected.clone();
        actual[0] = tensor(0.5f + 1e-4f);

        var asMap = TensorCheck.Compare("c", "attn", actual, expected, isAttentionMap: true);
        var asFeature = TensorCheck.Compare("c", "feat", actual, expected);

        Assert.False(asMap.Passed);
        Assert.True(asMap.MaxAbsError > TensorCheck.AttentionAbsoluteTolerance);
        Assert.True(asFeature.Passed);
    }

    [Fact]
    public void Compare_ShapeOrIntegerMismatchOrNothingProduced_Fails()
    {
        using var ints = tensor(new long[] { 1, 2, 3 });
        using var otherInts = tensor(new long[] { 1, 2, 4 });
        using var longer = zeros(4);

        Assert.False(TensorCheck.Compare("c", "ids", otherInts, ints).Passed);
        Assert.True(TensorCheck.Compare("c", "ids", ints.clone(), ints).Passed);
        Assert.Contains("shape", TensorCheck.Compare("c", "x", longer, zeros(3)).Detail);
        Assert.False(TensorCheck.Compare("c", "x", null, zeros(3)).Passed);
    }
}
