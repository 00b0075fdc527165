namespace Vpd.Reports.Figures;

/// <summary>The seed report's Fig. 2 operation: zero the lowest share of a map's values.</summary>
public static class AttentionThreshold
{
    /// <summary>
    /// A copy of <paramref name="map"/> with exactly <c>round(fraction * n)</c> of its n values set to 0 (half away
    /// from zero): the smallest ones, ties broken by position (earlier first), so the count never depends on ties.
    /// Every kept value is at least every zeroed one. Non-finite values count as the smallest.
    /// </summary>
    public static float[] ZeroLowest(ReadOnlySpan<float> map, double fraction = 0.8)
    {
        if (double.IsNaN(fraction) || fraction is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the fraction to zero must be within 0..1");
        }
        var values = map.ToArray();
        var zeroed = ZeroedCount(values.Length, fraction);
        var order = Enumerable.Range(0, values.Length)
            .OrderBy(i => float.IsFinite(values[i]) ? values[i] : float.NegativeInfinity)
            .ThenBy(i => i)
            .Take(zeroed);
        foreach (var index in order)
        {
            values[index] = 0f;
        }
        return values;
    }

    /// <summary>How many of <paramref name="count"/> values <see cref="ZeroLowest"/> zeroes.</summary>
    public static int ZeroedCount(int count, double fraction) =>
        (int)Math.Round(fraction * count, MidpointRounding.AwayFromZero);
}
