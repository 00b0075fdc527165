using Vpd.Core.Masks;
using Vpd.Core.Metrics;

namespace Vpd.Core.Tests.Metrics;

public sealed class IouAccumulatorTests
{
    [Fact]
    public void Add_IouExactlyAtThresholds_CountsInclusive()
    {
        var accumulator = new IouAccumulator();
        accumulator.Add(1, 2);   // 0.5
        accumulator.Add(9, 10);  // 0.9
        accumulator.Add(0, 0);   // empty union: IoU 0

        Assert.Equal(2.0 / 3, accumulator.Precision(0));
        Assert.Equal(1.0 / 3, accumulator.Precision(4));
        Assert.Equal((0.5 + 0.9) / 3, accumulator.MeanIou, 15);
        Assert.Equal(10.0 / 12, accumulator.OverallIou);
    }

    [Fact]
    public void Empty_NothingAdded_AllZero()
    {
        var accumulator = new IouAccumulator();

        Assert.Equal(0, accumulator.Count);
        Assert.Equal(0.0, accumulator.OverallIou);
        Assert.Equal(0.0, accumulator.MeanIou);
        Assert.All(accumulator.PrecisionByThreshold().Values, p => Assert.Equal(0.0, p));
    }

    [Fact]
    public void Add_IntersectionAboveUnion_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new IouAccumulator().Add(3, 2));
    }

    [Fact]
    public void PrecisionByThreshold_Keys_AreOneDecimalTexts()
    {
        Assert.Equal(["0.5", "0.6", "0.7", "0.8", "0.9"], new IouAccumulator().PrecisionByThreshold().Keys);
    }

    [Fact]
    public void Compute_DifferentSizes_ThrowsNamingBoth()
    {
        var e = Assert.Throws<ArgumentException>(() => IouCounts.Compute(new BinaryMask(2, 2), new BinaryMask(3, 2)));
        Assert.Contains("2x2", e.Message);
        Assert.Contains("3x2", e.Message);
    }

    [Fact]
    public void FromPartialSums_InconsistentCounts_Throws()
    {
        var sums = new IouPartialSums(2, 5, 4, "0", [0, 0, 0, 0, 0]);
        Assert.Throws<ArgumentException>(() => IouAccumulator.FromPartialSums(sums));
        Assert.Throws<ArgumentException>(() => IouAccumulator.FromPartialSums(sums with { SumUnion = 9, CountsAtThreshold = [3, 0, 0, 0, 0] }));
    }
}
