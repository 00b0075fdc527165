using Vpd.Core.Metrics;

namespace Vpd.Core.Tests.Metrics;

public sealed class IouAccumulatorGoldenTests
{
    [SkippableFact]
    public void Compute_EveryGoldenCase_MatchesIntersectionUnionAndIou()
    {
        var cases = MetricsCases.Load();
        Assert.NotEmpty(cases.Sentences);
        foreach (var (c, i) in cases.Sentences.Select((c, i) => (c, i)))
        {
            var counts = IouCounts.Compute(c.Predicted, c.Truth);
            Assert.True(c.I == counts.Intersection, $"case {i}: I {counts.Intersection} != {c.I}");
            Assert.True(c.U == counts.Union, $"case {i}: U {counts.Union} != {c.U}");
            Assert.True(c.Iou == counts.Iou, $"case {i}: IoU {counts.Iou:R} != {c.Iou:R}");
        }
    }

    [SkippableFact]
    public void Accumulate_AllGoldenCases_MatchesExpectedExactly()
    {
        var cases = MetricsCases.Load();
        var accumulator = new IouAccumulator();
        foreach (var c in cases.Sentences)
        {
            accumulator.Add(IouCounts.Compute(c.Predicted, c.Truth));
        }

        AssertMatchesExpected(cases, accumulator);
    }

    [SkippableTheory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(41)]
    public void Merge_GoldenCasesSplitIntoParts_MatchesExpectedExactly(int parts)
    {
        var cases = MetricsCases.Load();
        // Interleaved parts, merged in reverse order: every sum is formed in a different order
        // than the sequential one, which a non-exact IoU sum would show in the last bits.
        var partials = Enumerable.Range(0, parts).Select(_ => new IouAccumulator()).ToArray();
        foreach (var (c, i) in cases.Sentences.Select((c, i) => (c, i)))
        {
            partials[(i * 7) % parts].Add(c.I, c.U);
        }
        var merged = new IouAccumulator();
        foreach (var partial in partials.Reverse())
        {
            merged.Merge(partial);
        }

        AssertMatchesExpected(cases, merged);
    }

    [SkippableFact]
    public void Merge_PartialSumsSentAsJson_MatchesExpectedExactly()
    {
        var cases = MetricsCases.Load();
        var merged = new IouAccumulator();
        foreach (var chunk in cases.Sentences.Chunk(50))
        {
            var worker = new IouAccumulator();
            foreach (var c in chunk)
            {
                worker.Add(c.I, c.U);
            }
            var json = System.Text.Json.JsonSerializer.Serialize(worker.ToPartialSums());
            merged.Merge(IouAccumulator.FromPartialSums(System.Text.Json.JsonSerializer.Deserialize<IouPartialSums>(json)!));
        }

        AssertMatchesExpected(cases, merged);
    }

    private static void AssertMatchesExpected(MetricsCases cases, IouAccumulator accumulator)
    {
        var expected = cases.Expected;
        Assert.Equal(expected.GetProperty("count").GetInt64(), accumulator.Count);
        Assert.Equal(expected.GetProperty("cum_I").GetInt64(), accumulator.SumIntersection);
        Assert.Equal(expected.GetProperty("cum_U").GetInt64(), accumulator.SumUnion);
        Assert.Equal(expected.GetProperty("oIoU").GetDouble(), accumulator.OverallIou);
        Assert.Equal(expected.GetProperty("mIoU").GetDouble(), accumulator.MeanIou);
        var precision = accumulator.PrecisionByThreshold();
        var expectedPrecision = expected.GetProperty("precision").EnumerateObject().ToList();
        Assert.Equal(IouAccumulator.Thresholds.Count, expectedPrecision.Count);
        foreach (var entry in expectedPrecision)
        {
            Assert.True(precision.ContainsKey(entry.Name), $"no precision for threshold {entry.Name}");
            Assert.True(entry.Value.GetDouble() == precision[entry.Name],
                $"P@{entry.Name}: {precision[entry.Name]:R} != {entry.Value.GetDouble():R}");
        }
    }
}
