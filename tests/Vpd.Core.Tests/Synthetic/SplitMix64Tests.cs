using Vpd.Core.Synthetic;

namespace Vpd.Core.Tests.Synthetic;

public sealed class SplitMix64Tests
{
    [Fact]
    public void NextUInt64_Seed1234567_GivesThePublishedSequence()
    {
        // The first outputs of SplitMix64 for seed 1234567 as printed by the reference C code (Vigna).
        var random = new SplitMix64(1234567);
        ulong[] expected = [6457827717110365317UL, 3203168211198807973UL, 9817491932198370423UL, 4593380528125082431UL, 16408922859458223821UL];
        Assert.Equal(expected, expected.Select(_ => random.NextUInt64()).ToArray());
    }

    [Fact]
    public void NextInt_ManyDraws_StayInRangeAndHitBothEnds()
    {
        var random = new SplitMix64(7);
        var draws = Enumerable.Range(0, 2000).Select(_ => random.NextInt(-3, 4)).ToList();
        Assert.All(draws, d => Assert.InRange(d, -3, 4));
        Assert.Contains(-3, draws);
        Assert.Contains(4, draws);
    }

    [Fact]
    public void ForItem_DifferentIndices_GiveDifferentStreams()
    {
        Assert.NotEqual(SplitMix64.ForItem(1, 0).NextUInt64(), SplitMix64.ForItem(1, 1).NextUInt64());
        Assert.Equal(SplitMix64.ForItem(1, 5).NextUInt64(), SplitMix64.ForItem(1, 5).NextUInt64());
    }
}
