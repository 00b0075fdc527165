using Vpd.TestSupport;
using System.Globalization;
using AngleSharp.Dom;
using SkiaSharp;
using Vpd.Core.Contracts;
using Vpd.Core.Masks;
using Vpd.Core.Metrics;
using Vpd.Reports.Figures;
using Vpd.Reports.Report;

namespace Vpd.Reports.Tests;

/// <summary>The report's HTML, read back with a real HTML parser.</summary>
public sealed class RunReportHtmlTests
{
    private static readonly Lazy<(string Html, IReadOnlyList<ReportRun> Runs, ReportPlan Plan)> ThreeRuns = new(() =>
    {
        var (plan, pictures, runs) = SampleOutputs.Report();
        return (RunReport.Render(plan, pictures), runs, plan);
    });

    [Fact]
    public void Render_ThreeRuns_MetricsTableHoldsEveryValueOfMetricsJson()
    {
        var (html, runs, _) = ThreeRuns.Value;
        var table = ReportDom.Parse(html).GetElementById("metrics-table")!;

        Assert.Equal(runs.Count, table.QuerySelectorAll("tbody tr").Length);
        foreach (var run in runs)
        {
            // metrics.json as stored, read back: the page must show exactly these numbers.
            var stored = RunMetrics.Parse(run.Metrics.ToUtf8Json(), "metrics.json");
            Assert.Equal(stored.OverallIou, ReportDom.Value(ReportDom.Cell(table, run.Name, "data-metric", "oIoU")));
            Assert.Equal(stored.MeanIou, ReportDom.Value(ReportDom.Cell(table, run.Name, "data-metric", "mIoU")));
            foreach (var (key, precision) in stored.Precision)
            {
                var cell = ReportDom.Cell(table, run.Name, "data-metric", "P@" + key);
                Assert.Equal(precision, ReportDom.Value(cell));
                Assert.Equal((precision * 100).ToString("0.00", CultureInfo.InvariantCulture), cell.TextContent);
            }
            Assert.Equal(stored.Counts.Succeeded, ReportDom.Value(ReportDom.Cell(table, run.Name, "data-metric", "succeeded")));
            Assert.Equal(stored.Counts.Failed, ReportDom.Value(ReportDom.Cell(table, run.Name, "data-metric", "failed")));
            Assert.Equal(run.Manifest.NoiseStep, ReportDom.Value(ReportDom.Cell(table, run.Name, "data-metric", "noiseStep")));
        }
    }

    [Fact]
    public void Render_ThreeRuns_ChartTablesEqualMetricsAndRows()
    {
        var (html, runs, _) = ThreeRuns.Value;
        var document = ReportDom.Parse(html);
        var precision = document.QuerySelector("table.chart-data[data-chart=precision]")!;
        var histogram = document.QuerySelector("table.chart-data[data-chart=histogram]")!;

        foreach (var run in runs)
        {
            for (var i = 0; i < IouAccumulator.Thresholds.Count; i++)
            {
                var key = IouAccumulator.ThresholdKey(i);
                Assert.Equal(run.Metrics.Precision[key], ReportDom.Value(ReportDom.Cell(precision, run.Name, "data-key", key)));
            }
            var bins = Enumerable.Range(0, IouHistogram.Bins).Select(b => (long)ReportDom.Value(ReportDom.Cell(histogram, run.Name, "data-key", IouHistogram.Label(b)))).ToArray();
            Assert.Equal(IouHistogram.Of(run.Rows), bins);
            Assert.Equal(run.Metrics.Counts.Succeeded, bins.Sum());
        }
        Assert.All(document.QuerySelectorAll("figure.chart img"), img => Assert.True(DecodedWidth(img) > 0));
    }

    [Fact]
    public void Render_Report_SelfContainedWithoutScriptsOrNetworkReferences()
    {
        var document = ReportDom.Parse(ThreeRuns.Value.Html);

        Assert.Empty(document.QuerySelectorAll("script, link, iframe, object, embed, base"));
        var policy = document.QuerySelector("meta[http-equiv=Content-Security-Policy]")!.GetAttribute("content");
        Assert.Equal(RunReport.ContentSecurityPolicy, policy);
        foreach (var element in document.QuerySelectorAll("[src], [href]"))
        {
            var reference = element.GetAttribute("src") ?? element.GetAttribute("href")!;
            Assert.True(reference.StartsWith("data:image/png;base64,", StringComparison.Ordinal) || reference.StartsWith('#'),
                $"{element.TagName} refers to '{reference[..Math.Min(60, reference.Length)]}'");
        }
        Assert.DoesNotContain("url(", document.QuerySelector("style")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", document.QuerySelector("style")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Report_EveryImageIsAPngThatDecodes()
    {
        var images = ReportDom.Parse(ThreeRuns.Value.Html).QuerySelectorAll("img");

        Assert.True(images.Length > 40, $"only {images.Length} images");
        Assert.All(images, img => Assert.True(DecodedWidth(img) > 0, img.GetAttribute("alt")));
    }

    [Fact]
    public void Render_ThreeRuns_GalleriesShowBestMedianWorstWithSentenceAndIou()
    {
        var (html, runs, plan) = ThreeRuns.Value;
        var document = ReportDom.Parse(html);

        foreach (var run in runs)
        {
            var section = document.QuerySelectorAll("#galleries .run-galleries").Single(e => e.GetAttribute("data-run") == run.Name);
            var best = Ious(section, "best");
            var worst = Ious(section, "worst");
            Assert.Equal(plan.Options.GallerySize, best.Count);
            Assert.Equal(run.Rows.Where(r => r.Status == SentenceStatus.Succeeded).Max(r => r.Score), best[0]);
            Assert.Equal(run.Rows.Where(r => r.Status == SentenceStatus.Succeeded).Min(r => r.Score), worst[0]);
            Assert.Equal(best.OrderByDescending(v => v), best);
            Assert.Equal(plan.Options.GallerySize, Ious(section, "median").Count);
            foreach (var figure in section.QuerySelectorAll("figure.sample"))
            {
                var row = run.Rows.Single(r => r.Key.ToString() == figure.GetAttribute("data-key"));
                Assert.Equal(row.Text, figure.QuerySelector("q")!.TextContent);
                Assert.Equal("IoU " + row.Score.ToString("0.000", CultureInfo.InvariantCulture), figure.QuerySelector(".iou")!.TextContent);
                Assert.Contains($"sent_id {row.SentId}", figure.QuerySelector(".ids")!.TextContent, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Render_ThreeRuns_EveryFailedSentenceListedWithItsReason()
    {
        var (html, runs, _) = ThreeRuns.Value;
        var rows = ReportDom.Parse(html).QuerySelectorAll("#failures-table tbody tr");

        var failed = runs.SelectMany(run => run.Rows.Where(r => r.Status == SentenceStatus.Failed).Select(r => (run.Name, r))).ToList();
        Assert.NotEmpty(failed);
        Assert.Equal(failed.Count, rows.Length);
        foreach (var (name, row) in failed)
        {
            var tr = rows.Single(e => e.GetAttribute("data-run") == name && e.GetAttribute("data-key") == row.Key.ToString());
            Assert.Equal(row.Error, tr.QuerySelector("td.error")!.TextContent);
        }
    }

    [Fact]
    public void Render_ThreeRuns_SideBySideHasOneColumnPerRunForEachSample()
    {
        var (html, runs, plan) = ThreeRuns.Value;
        var table = ReportDom.Parse(html).QuerySelector("#side-by-side table")!;

        Assert.Equal(runs.Select(r => r.Title), table.QuerySelectorAll("thead th[data-run]").Select(th => th.TextContent));
        var rows = table.QuerySelectorAll("tbody tr");
        Assert.Equal(plan.SideBySide.Select(k => k.ToString()), rows.Select(r => r.GetAttribute("data-key")));
        Assert.All(rows, row => Assert.Equal(runs.Count, row.QuerySelectorAll("figure.sample").Length));
    }

    [Fact]
    public void Render_AttentionStored_ShowsGridsOfTheWorstSamples()
    {
        var (html, _, plan) = ThreeRuns.Value;
        var figures = ReportDom.Parse(html).QuerySelectorAll("#attention figure.attention");

        Assert.Equal(plan.Attention.Select(p => (p.Run, p.Row.Key.ToString())), figures.Select(f => (f.GetAttribute("data-run")!, f.GetAttribute("data-key")!)));
        Assert.All(figures, f => Assert.True(DecodedWidth(f.QuerySelector("img")!) > 0));
    }

    [Fact]
    public void Render_OneRunWithoutAttention_HasNeitherSideBySideNorAttention()
    {
        var (run, predictions) = SyntheticRun.Make("solo", 0, 1, count: 20, withAttention: false);
        var plan = ReportPlan.Create([run]);
        var pictures = SampleOutputs.Load(plan, new Dictionary<string, IReadOnlyDictionary<SampleKey, SamplePrediction>> { ["solo"] = predictions });

        var document = ReportDom.Parse(RunReport.Render(plan, pictures));

        Assert.Null(document.GetElementById("side-by-side"));
        Assert.Null(document.GetElementById("attention"));
        Assert.NotNull(document.GetElementById("galleries"));
    }

    [Fact]
    public void Render_PictureUnavailable_ShowsTheReasonInItsPlace()
    {
        var (run, predictions) = SyntheticRun.Make("gaps", 0, 1, count: 20, withAttention: false);
        var plan = ReportPlan.Create([run]);
        var pictures = SampleOutputs.Load(plan, new Dictionary<string, IReadOnlyDictionary<SampleKey, SamplePrediction>> { ["gaps"] = predictions });
        var missing = plan.Galleries[0].Worst[0].Key;
        pictures.AddUnavailable("gaps", missing, "runs/gaps/masks/x.png: blob not found");

        var figure = ReportDom.Parse(RunReport.Render(plan, pictures)).QuerySelectorAll("figure.sample").First(f => f.GetAttribute("data-key") == missing.ToString());

        Assert.Null(figure.QuerySelector("img"));
        Assert.Equal("runs/gaps/masks/x.png: blob not found", figure.QuerySelector(".missing")!.TextContent);
    }

    [Fact]
    public void Render_MarkupInSentencesAndErrors_IsShownAsText()
    {
        const string sentence = "<script>alert(1)</script> the \"red\" & 'blue' one";
        const string error = "<img src=x onerror=alert(2)> failed";
        var sample = SyntheticRun.Samples[0];
        var rows = new[]
        {
            new SentenceRow(sample.RefId, 0, 1, sentence, sample.ImageId, SentenceStatus.Succeeded, 10, 20, 0.5, 100, null),
            new SentenceRow(sample.RefId, 1, 2, sentence, sample.ImageId, SentenceStatus.Failed, 0, 0, null, 100, error),
        };
        var manifest = SyntheticRun.Manifest("esc", 0, 2);
        var plan = ReportPlan.Create([new ReportRun(manifest, SyntheticRun.Metrics(manifest, rows), rows)]);
        var pictures = new ReportPictures();
        pictures.Add("esc", rows[0].Key, new SampleView(sample.Image, sample.Truth, sentence), new SamplePrediction(sample.Truth, 0.5));

        var document = ReportDom.Parse(RunReport.Render(plan, pictures));

        Assert.Empty(document.QuerySelectorAll("script"));
        Assert.All(document.QuerySelectorAll("img"), img => Assert.StartsWith("data:image/png", img.GetAttribute("src"), StringComparison.Ordinal));
        Assert.Equal(sentence, document.QuerySelector("figure.sample q")!.TextContent);
        Assert.Equal(error, document.QuerySelector("#failures-table td.error")!.TextContent);
    }

    [Fact]
    public void Render_SameInputs_SameHtml()
    {
        var (plan, pictures, _) = SampleOutputs.Report(runCount: 1);

        Assert.Equal(RunReport.Render(plan, pictures), RunReport.Render(plan, pictures));
    }

    [Fact]
    public void Add_PredictionOfAnotherSize_ThrowsNamingRunAndSentence()
    {
        var sample = SyntheticRun.Samples[0];
        var pictures = new ReportPictures();

        var e = Assert.Throws<ArgumentException>(() =>
            pictures.Add("r", sample.Key, sample.View, new SamplePrediction(new BinaryMask(64, 64), 0.1)));

        Assert.Contains($"run 'r', sentence {sample.Key}", e.Message, StringComparison.Ordinal);
    }

    private static List<double> Ious(IElement section, string gallery) =>
        section.QuerySelector($"[data-gallery={gallery}]")!.QuerySelectorAll("figure.sample")
            .Select(f => double.Parse(f.GetAttribute("data-iou")!, CultureInfo.InvariantCulture)).ToList();

    private static int DecodedWidth(IElement img)
    {
        var src = img.GetAttribute("src")!;
        const string prefix = "data:image/png;base64,";
        Assert.StartsWith(prefix, src, StringComparison.Ordinal);
        using var bitmap = SKBitmap.Decode(Convert.FromBase64String(src[prefix.Length..]));
        return bitmap?.Width ?? 0;
    }
}
