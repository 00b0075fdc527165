using Vpd.Core.Metrics;

namespace Vpd.Core.Tests.Metrics;

public sealed class PercentilesTests
{
    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(50.0, 2.5)]
    [InlineData(90.0, 3.7)]
    [InlineData(100.0, 4.0)]
    public void Of_FourValues_InterpolatesLinearly(double percent, double expected)
    {
        Assert.Equal(expected, Percentiles.Of([4.0, 1.0, 3.0, 2.0], percent), 12);
    }

    [Fact]
    public void Of_Empty_IsZero()
    {
        Assert.Equal(0.0, Percentiles.Of([], 50.0));
    }
}
