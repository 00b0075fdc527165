using Vpd.Core.Metrics;

namespace Vpd.Core.Tests.Metrics;

public sealed class ExactSumTests
{
    [Fact]
    public void ToDouble_TenTimesOneTenth_IsOneUnlikeRunningSum()
    {
        var sum = new ExactSum();
        var running = 0.0;
        for (var i = 0; i < 10; i++)
        {
            sum.Add(0.1);
            running += 0.1;
        }

        Assert.NotEqual(1.0, running);
        Assert.Equal(1.0, sum.ToDouble());
    }

    [Fact]
    public void ToDouble_LargePlusTinyMinusLarge_KeepsTiny()
    {
        var sum = new ExactSum();
        sum.Add(1e300);
        sum.Add(double.Epsilon);
        sum.Add(-1e300);

        Assert.Equal(double.Epsilon, sum.ToDouble());
    }

    [Fact]
    public void ToDouble_HalfwayBetweenDoubles_RoundsToEven()
    {
        // 1 + 2^-53 lies exactly between 1 and the next double; ties go to the even mantissa (1.0).
        var sum = new ExactSum();
        sum.Add(1.0);
        sum.Add(Math.ScaleB(1.0, -53));
        Assert.Equal(1.0, sum.ToDouble());

        // 1 + 3 * 2^-53 lies between 1 + 2^-52 (odd) and 1 + 2^-51 (even): rounds up to the even one.
        sum.Add(Math.ScaleB(1.0, -52));
        Assert.Equal(1.0 + Math.ScaleB(1.0, -51), sum.ToDouble());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.266201034116847)]
    [InlineData(-3.5e-310)]
    [InlineData(1.7976931348623157e308)]
    public void ToDouble_SingleValue_RoundTrips(double value)
    {
        var sum = new ExactSum();
        sum.Add(value);
        Assert.Equal(value, sum.ToDouble());
        Assert.Equal(value, ExactSum.Parse(sum.ToString()).ToDouble());
    }

    [Fact]
    public void Add_NaN_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExactSum().Add(double.NaN));
    }
}
