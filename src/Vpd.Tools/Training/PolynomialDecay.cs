namespace Vpd.Tools.Training;

/// <summary>VPD's learning-rate schedule: <c>lr * (1 - step / total)^power</c>, power 0.9.</summary>
public static class PolynomialDecay
{
    public const double Power = 0.9;

    /// <summary>The rate for optimizer step <paramref name="step"/> (0-based) of <paramref name="totalSteps"/>.</summary>
    public static double Rate(double baseRate, long step, long totalSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var remaining = Math.Max(0.0, 1.0 - ((double)step / totalSteps));
        return baseRate * Math.Pow(remaining, Power);
    }
}
