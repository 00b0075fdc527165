namespace Vpd.Core.Synthetic;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit counter passed through a fixed mixing
/// function. Chosen for RefShapes because its output is fully specified by the algorithm, so a
/// seed gives the same dataset on every runtime and version (System.Random's algorithm is an
/// implementation detail), and because nearby seeds give unrelated streams, which lets every
/// image draw from its own generator seeded by (dataset seed, image index) and be built in parallel.
/// </summary>
public sealed class SplitMix64
{
    private ulong state;

    public SplitMix64(ulong seed)
    {
        state = seed;
    }

    /// <summary>A generator for item <paramref name="index"/> of a stream seeded with <paramref name="seed"/>.</summary>
    public static SplitMix64 ForItem(ulong seed, long index)
    {
        var root = new SplitMix64(seed);
        var mixedSeed = root.NextUInt64();
        return new SplitMix64(mixedSeed ^ Mix((ulong)index + 0x632BE59BD9B4E019UL));
    }

    public ulong NextUInt64()
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [<paramref name="min"/>, <paramref name="max"/>] (both inclusive).</summary>
    public int NextInt(int min, int max)
    {
        if (max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), $"empty range {min}..{max}");
        }
        var span = (ulong)((long)max - min + 1);
        // Multiply-shift maps 64 random bits onto the range; the bias (span / 2^64) is negligible here.
        return (int)(min + (long)(ulong)(((UInt128)NextUInt64() * span) >> 64));
    }

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public double NextDouble(double min, double max) => min + ((max - min) * NextDouble());

    /// <summary>One element of <paramref name="items"/>, uniformly.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[NextInt(0, items.Count - 1)];

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
