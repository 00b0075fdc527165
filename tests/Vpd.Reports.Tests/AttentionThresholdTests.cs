using Vpd.Reports.Figures;

namespace Vpd.Reports.Tests;

public sealed class AttentionThresholdTests
{
    [Theory]
    [InlineData(256, 0.8, 205)]
    [InlineData(1024, 0.8, 819)]
    [InlineData(16, 0.8, 13)]
    [InlineData(64, 0.5, 32)]
    [InlineData(10, 0.25, 3)]
    [InlineData(10, 0.0, 0)]
    [InlineData(10, 1.0, 10)]
    public void ZeroLowest_RandomMap_ZeroesExactlyTheRequestedShareOfTheLowestValues(int count, double fraction, int expectedZeroed)
    {
        var random = new Random(count);
        // Strictly positive values, so a zero in the result can only come from the threshold.
        var map = Enumerable.Range(0, count).Select(_ => (float)(0.001 + random.NextDouble())).ToArray();

        var kept = AttentionThreshold.ZeroLowest(map, fraction);

        Assert.Equal(expectedZeroed, AttentionThreshold.ZeroedCount(count, fraction));
        Assert.Equal(expectedZeroed, kept.Count(v => v == 0f));
        var zeroedOriginals = map.Where((_, i) => kept[i] == 0f).ToList();
        var keptValues = kept.Where(v => v != 0f).ToList();
        if (zeroedOriginals.Count > 0 && keptValues.Count > 0)
        {
            Assert.True(keptValues.Min() >= zeroedOriginals.Max());
        }
        Assert.All(keptValues, v => Assert.Contains(v, map));
    }

    [Fact]
    public void ZeroLowest_Ties_BreaksByPositionSoTheCountIsExact()
    {
        var map = new float[10];
        Array.Fill(map, 0.5f);

        var kept = AttentionThreshold.ZeroLowest(map, 0.8);

        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0.5f, 0.5f], kept);
    }

    [Fact]
    public void ZeroLowest_NonFiniteValues_CountAsSmallest()
    {
        float[] map = [0.3f, float.NaN, 0.9f, 0.1f];

        Assert.Equal([0, 0, 0.9f, 0], AttentionThreshold.ZeroLowest(map, 0.75));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void ZeroLowest_FractionOutside0To1_Throws(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionThreshold.ZeroLowest(new float[4], fraction));
    }
}
