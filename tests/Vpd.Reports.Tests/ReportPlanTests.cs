using Vpd.Reports.Report;

namespace Vpd.Reports.Tests;

public sealed class ReportPlanTests
{
    private static SentenceRow Ok(string refId, int index, double iou, bool attention = false) =>
        new(refId, index, 100 + index, $"sentence {refId}-{index}", "900000000", SentenceStatus.Succeeded,
            (long)Math.Round(iou * 1000), 1000, iou, 120, null, attention);

    private static SentenceRow Failed(string refId, int index, string reason) =>
        new(refId, index, null, "t", "900000000", SentenceStatus.Failed, 0, 0, null, 5, reason);

    private static ReportRun Run(string id, params SentenceRow[] rows) =>
        new(SyntheticRun.Manifest(id, 0, rows.Length), SyntheticRun.Metrics(SyntheticRun.Manifest(id, 0, rows.Length), rows), rows);

    [Fact]
    public void Create_TenRows_BestMedianWorstByIouWithFailuresLeftOut()
    {
        var rows = Enumerable.Range(0, 10).Select(i => Ok($"r{i}", 0, i / 10.0)).Append(Failed("f", 0, "bad image")).ToArray();

        var plan = ReportPlan.Create([Run("a", rows)], ReportOptions.Default with { GallerySize = 3 });

        var gallery = Assert.Single(plan.Galleries);
        Assert.Equal(["r9", "r8", "r7"], gallery.Best.Select(r => r.RefId));
        Assert.Equal(["r0", "r1", "r2"], gallery.Worst.Select(r => r.RefId));
        // Ten values: the median sits between ranks 4 and 5; three around it are ranks 3..5.
        Assert.Equal(["r3", "r4", "r5"], gallery.Median.Select(r => r.RefId));
        Assert.DoesNotContain(plan.Pictures, p => p.Row.RefId == "f");
    }

    [Fact]
    public void Create_TiedIou_BreaksTiesByRefIdThenSentenceIndex()
    {
        var rows = new[] { Ok("b", 1, 0.5), Ok("a", 2, 0.5), Ok("b", 0, 0.5), Ok("a", 1, 0.5) };

        var plan = ReportPlan.Create([Run("a", rows)], ReportOptions.Default with { GallerySize = 2 });

        Assert.Equal(["a-1", "a-2"], plan.Galleries[0].Worst.Select(r => r.Key.ToString()));
        Assert.Equal(["b-1", "b-0"], plan.Galleries[0].Best.Select(r => r.Key.ToString()));
    }

    [Fact]
    public void Create_FewerRowsThanGallery_GalleriesHoldWhatThereIs()
    {
        var plan = ReportPlan.Create([Run("a", Ok("x", 0, 0.2), Ok("y", 0, 0.7))]);

        Assert.Equal(2, plan.Galleries[0].Best.Count);
        Assert.Equal(2, plan.Galleries[0].Median.Count);
        Assert.Equal(2, plan.Pictures.Count);
    }

    [Fact]
    public void Create_AttentionStored_PicksWorstRowsWithAttentionAndAsksForTheirMaps()
    {
        var rows = new[] { Ok("a", 0, 0.1), Ok("b", 0, 0.2, attention: true), Ok("c", 0, 0.3, attention: true), Ok("d", 0, 0.9, attention: true) };

        var plan = ReportPlan.Create([Run("r", rows)], ReportOptions.Default with { AttentionSamples = 2, GallerySize = 1 });

        Assert.Equal(["b", "c"], plan.Attention.Select(p => p.Row.RefId));
        Assert.Equal(["b", "c"], plan.Pictures.Where(p => p.WithAttention).Select(p => p.Row.RefId));
        Assert.False(plan.Pictures.Single(p => p.Row.RefId == "a").WithAttention);
    }

    [Fact]
    public void Create_TwoRuns_SideBySideTakesCommonSamplesAcrossTheRange()
    {
        var first = Enumerable.Range(0, 20).Select(i => Ok($"s{i:00}", 0, i / 20.0)).ToArray();
        var second = first.Where(r => r.RefId != "s19").Select(r => r with { Iou = r.Iou / 2 }).Append(Ok("only-here", 0, 1)).ToArray();

        var plan = ReportPlan.Create([Run("a", first), Run("b", second)], ReportOptions.Default with { SideBySideSamples = 3, GallerySize = 1 });

        // 19 common samples ranked by mean IoU; ranks 0, 9 and 18.
        Assert.Equal(["s00", "s09", "s18"], plan.SideBySide.Select(k => k.RefId));
        foreach (var key in plan.SideBySide)
        {
            Assert.Contains(plan.Pictures, p => p.Run == "a" && p.Row.Key == key);
            Assert.Contains(plan.Pictures, p => p.Run == "b" && p.Row.Key == key);
        }
        Assert.Equal(plan.Pictures.Count, plan.Pictures.Select(p => (p.Run, p.Row.Key)).Distinct().Count());
    }

    [Fact]
    public void Create_OneRun_NoSideBySide()
    {
        Assert.Empty(ReportPlan.Create([Run("a", Ok("x", 0, 0.5))]).SideBySide);
    }

    [Fact]
    public void Create_SameRunTwice_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => ReportPlan.Create([Run("a", Ok("x", 0, 0.5)), Run("a", Ok("x", 0, 0.5))]));

        Assert.Contains("run 'a' is given twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_TwoRowsForOneSentence_ThrowsNamingRunAndSentence()
    {
        var e = Assert.Throws<ArgumentException>(() => ReportPlan.Create([Run("a", Ok("x", 0, 0.5), Ok("x", 0, 0.6))]));

        Assert.Contains("run 'a' has 2 rows for sentence x-0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NoRun_Throws()
    {
        Assert.Throws<ArgumentException>(() => ReportPlan.Create([]));
    }
}

public sealed class ReportOptionsTests
{
    [Theory]
    [InlineData(8, 16)]
    [InlineData(5, 20)]
    [InlineData(16, 16)]
    [InlineData(128, 128)]
    [InlineData(512, 256)]
    public void PictureSideFor_EvaluationSize_EnlargesTinyByWholePixelsAndCapsLarge(int size, int side)
    {
        Assert.Equal(side, ReportOptions.Default.PictureSideFor(size));
    }
}
