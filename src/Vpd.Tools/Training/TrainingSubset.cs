using Vpd.Core.Synthetic;

namespace Vpd.Tools.Training;

/// <summary>The seeded random subset <c>vpd train --subset N --subset-seed S</c> trains on, the same on every machine.</summary>
public static class TrainingSubset
{
    /// <summary>
    /// <paramref name="take"/> distinct indexes of 0..<paramref name="count"/>-1, uniformly at random (a partial
    /// Fisher-Yates shuffle driven by SplitMix64, whose stream is fixed by its seed on every runtime), in
    /// ascending order so the subset keeps the split's order.
    /// </summary>
    public static int[] Indexes(int count, int take, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(take, count);
        var indexes = Enumerable.Range(0, count).ToArray();
        var random = new SplitMix64(unchecked((ulong)seed));
        for (var i = 0; i < take; i++)
        {
            var j = random.NextInt(i, count - 1);
            (indexes[i], indexes[j]) = (indexes[j], indexes[i]);
        }
        var chosen = indexes[..take];
        Array.Sort(chosen);
        return chosen;
    }
}
