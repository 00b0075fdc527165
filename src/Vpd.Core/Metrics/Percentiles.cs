namespace Vpd.Core.Metrics;

/// <summary>Percentiles of a sample, by linear interpolation between closest ranks (numpy's default).</summary>
public static class Percentiles
{
    /// <summary>The <paramref name="percent"/>-th percentile (0..100) of <paramref name="values"/>; 0 for an empty sample.</summary>
    public static double Of(IReadOnlyList<double> values, double percent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100.0);
        if (values.Count == 0)
        {
            return 0.0;
        }
        var sorted = values.Order().ToArray();
        var rank = percent / 100.0 * (sorted.Length - 1);
        var lower = (int)Math.Floor(rank);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((rank - lower) * (sorted[upper] - sorted[lower]));
    }
}
