using System.Globalization;
using System.Reflection;
using Vpd.Core.Metrics;
using Vpd.Reports.Figures;

namespace Vpd.Reports.Report;

/// <summary>
/// The run report: one self-contained HTML page (inline CSS, every picture a data URI, no script, no font or
/// anything else from the network; a Content-Security-Policy says so to the browser) for one run or several
/// side by side. Sections: the metrics in the seed report's Table 1 layout, the P@k chart and the IoU
/// histogram with their exact values, latency and throughput, the manifests, galleries of the best, median and
/// worst sentences, the same samples across runs, attention grids of the worst samples when stored, and every
/// failed sentence with its reason. Machine-checkable values sit in <c>data-*</c> attributes (see
/// docs/pictures.md); the page is a pure function of its inputs.
/// </summary>
public static class RunReport
{
    /// <summary>The policy in the page's head: pictures from data URIs, inline style, nothing else.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

    private static readonly Lazy<string> StyleSheet = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Vpd.Reports.Report.report.css")
            ?? throw new InvalidOperationException("the report's style sheet is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The page for <paramref name="plan"/> with the pictures the caller loaded for <see cref="ReportPlan.Pictures"/>.</summary>
    public static string Render(ReportPlan plan, ReportPictures pictures)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(pictures);
        var html = new Html();
        var runs = plan.Runs;
        var title = plan.Options.Title ?? "VPD run report: " + string.Join(", ", runs.Select(r => r.Name));
        html.Trusted("<!DOCTYPE html>").Line()
            .Open("html", ("lang", "en")).Line()
            .Open("head").Void("meta", ("charset", "utf-8"))
            .Void("meta", ("http-equiv", "Content-Security-Policy"), ("content", ContentSecurityPolicy))
            .Void("meta", ("name", "viewport"), ("content", "width=device-width, initial-scale=1"))
            .Void("meta", ("name", "generator"), ("content", "vpd report"))
            .Element("title", title)
            .Open("style").Trusted(StyleSheet.Value).Close("style").Close("head").Line()
            .Open("body").Line();

        Header(html, plan, title);
        MetricsSection(html, runs);
        ChartsSection(html, runs);
        SpeedSection(html, runs);
        ManifestSection(html, runs);
        GallerySection(html, plan, pictures);
        if (plan.SideBySide.Count > 0)
        {
            SideBySideSection(html, plan, pictures);
        }
        if (plan.Attention.Count > 0)
        {
            AttentionSection(html, plan, pictures);
        }
        FailuresSection(html, runs);
        html.Close("body").Line().Close("html").Line();
        return html.ToString();
    }

    private static void Header(Html html, ReportPlan plan, string title)
    {
        html.Open("header").Element("h1", title);
        var runs = plan.Runs;
        var line = $"{runs.Count} run{(runs.Count == 1 ? "" : "s")} \u00b7 " +
                   string.Join(", ", runs.Select(r => r.Manifest.Dataset + " " + r.Manifest.Split).Distinct());
        if (plan.Options.GeneratedUtc is { } generated)
        {
            line += " \u00b7 generated " + generated.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        }
        html.Element("p", line).Close("header").Line();
        html.Open("nav");
        var sections = new List<(string Id, string Name)> { ("metrics", "Metrics"), ("charts", "Charts"), ("speed", "Speed"), ("manifest", "Manifest"), ("galleries", "Samples") };
        if (plan.SideBySide.Count > 0)
        {
            sections.Add(("side-by-side", "Side by side"));
        }
        if (plan.Attention.Count > 0)
        {
            sections.Add(("attention", "Attention"));
        }
        sections.Add(("failures", "Failures"));
        foreach (var (id, name) in sections)
        {
            html.Element("a", name, ("href", "#" + id));
        }
        html.Close("nav").Line();
    }

    private static void MetricsSection(Html html, IReadOnlyList<ReportRun> runs)
    {
        html.Open("section", ("id", "metrics")).Element("h2", "Metrics");
        html.Open("table", ("id", "metrics-table"), ("class", "metrics"))
            .Open("thead").Open("tr").Element("th", "run").Element("th", "T").Element("th", "oIoU").Element("th", "mIoU");
        for (var i = 0; i < IouAccumulator.Thresholds.Count; i++)
        {
            html.Element("th", "P@" + IouAccumulator.ThresholdKey(i));
        }
        html.Element("th", "succeeded").Element("th", "failed").Element("th", "pending").Element("th", "expected").Element("th", "state")
            .Close("tr").Close("thead").Open("tbody");
        foreach (var run in runs)
        {
            var m = run.Metrics;
            html.Open("tr", ("data-run", run.Name))
                .Element("td", run.Title)
                .Element("td", run.Manifest.NoiseStep.ToString(CultureInfo.InvariantCulture), ("data-metric", "noiseStep"), ("data-value", run.Manifest.NoiseStep.ToString(CultureInfo.InvariantCulture)))
                .Element("td", Html.Percent(m.OverallIou), ("data-metric", "oIoU"), ("data-value", Html.Number(m.OverallIou)))
                .Element("td", Html.Percent(m.MeanIou), ("data-metric", "mIoU"), ("data-value", Html.Number(m.MeanIou)));
            for (var i = 0; i < IouAccumulator.Thresholds.Count; i++)
            {
                var key = IouAccumulator.ThresholdKey(i);
                var value = m.Precision.TryGetValue(key, out var p) ? p : double.NaN;
                html.Element("td", double.IsNaN(value) ? "-" : Html.Percent(value), ("data-metric", "P@" + key), ("data-value", Html.Number(value)));
            }
            html.Element("td", Count(m.Counts.Succeeded), ("data-metric", "succeeded"), ("data-value", Count(m.Counts.Succeeded)))
                .Element("td", Count(m.Counts.Failed), ("data-metric", "failed"), ("data-value", Count(m.Counts.Failed)))
                .Element("td", Count(m.Counts.Pending), ("data-metric", "pending"), ("data-value", Count(m.Counts.Pending)))
                .Element("td", Count(m.Counts.Expected), ("data-metric", "expected"), ("data-value", Count(m.Counts.Expected)))
                .Element("td", m.State.ToString().ToLowerInvariant(), ("data-metric", "state"))
                .Close("tr");
        }
        html.Close("tbody").Close("table");
        html.Element("p", "oIoU = total intersection / total union; mIoU = mean per-sentence IoU; P@k = share of sentences with IoU \u2265 k. " +
                          "All in percent over succeeded sentences (metrics.json stores fractions); a run that is not complete says so in its state.",
            ("class", "note"));
        html.Close("section").Line();
    }

    private static void ChartsSection(Html html, IReadOnlyList<ReportRun> runs)
    {
        var titles = runs.Select(r => r.Title).ToList();
        html.Open("section", ("id", "charts")).Element("h2", "Precision and IoU distribution").Open("div", ("class", "charts"));

        var precision = runs.Select(r => (IReadOnlyList<double>)Enumerable.Range(0, IouAccumulator.Thresholds.Count)
            .Select(i => r.Metrics.Precision.TryGetValue(IouAccumulator.ThresholdKey(i), out var p) ? p * 100 : 0).ToList()).ToList();
        html.Open("figure", ("class", "chart"), ("id", "chart-precision"))
            .Void("img", ("src", Html.DataUri("image/png", ReportCharts.Precision(titles, precision))), ("alt", "precision at IoU 0.5 to 0.9 per run"),
                ("width", ReportCharts.Width.ToString(CultureInfo.InvariantCulture)), ("height", ReportCharts.Height.ToString(CultureInfo.InvariantCulture)));
        html.Open("table", ("class", "chart-data"), ("data-chart", "precision")).Open("tr").Element("th", "run");
        for (var i = 0; i < IouAccumulator.Thresholds.Count; i++)
        {
            html.Element("th", "P@" + IouAccumulator.ThresholdKey(i));
        }
        html.Close("tr");
        for (var r = 0; r < runs.Count; r++)
        {
            html.Open("tr", ("data-run", runs[r].Name)).Open("td").Trusted(Swatch(r)).Text(runs[r].Title).Close("td");
            for (var i = 0; i < IouAccumulator.Thresholds.Count; i++)
            {
                var key = IouAccumulator.ThresholdKey(i);
                var fraction = runs[r].Metrics.Precision.TryGetValue(key, out var p) ? p : double.NaN;
                html.Element("td", Html.Percent(fraction), ("data-key", key), ("data-value", Html.Number(fraction)));
            }
            html.Close("tr");
        }
        html.Close("table").Close("figure");

        var histograms = runs.Select(r => IouHistogram.Of(r.Rows)).ToList();
        var shares = histograms.Select(h => (IReadOnlyList<double>)h.Select(c => h.Sum() == 0 ? 0 : 100.0 * c / h.Sum()).ToList()).ToList();
        html.Open("figure", ("class", "chart"), ("id", "chart-histogram"))
            .Void("img", ("src", Html.DataUri("image/png", ReportCharts.Histogram(titles, shares))), ("alt", "IoU histogram per run"),
                ("width", ReportCharts.Width.ToString(CultureInfo.InvariantCulture)), ("height", ReportCharts.Height.ToString(CultureInfo.InvariantCulture)));
        html.Open("table", ("class", "chart-data"), ("data-chart", "histogram")).Open("tr").Element("th", "run");
        for (var b = 0; b < IouHistogram.Bins; b++)
        {
            html.Element("th", IouHistogram.Label(b));
        }
        html.Close("tr");
        for (var r = 0; r < runs.Count; r++)
        {
            html.Open("tr", ("data-run", runs[r].Name)).Open("td").Trusted(Swatch(r)).Text(runs[r].Title).Close("td");
            for (var b = 0; b < IouHistogram.Bins; b++)
            {
                html.Element("td", Count(histograms[r][b]), ("data-key", IouHistogram.Label(b)), ("data-value", Count(histograms[r][b])));
            }
            html.Close("tr");
        }
        html.Close("table").Close("figure");
        html.Close("div").Element("p", "Bars are percent of each run's succeeded sentences; the tables give P@k in percent and the histogram's counts (bins include their lower edge; the last includes 1.0).", ("class", "note"))
            .Close("section").Line();
    }

    private static void SpeedSection(Html html, IReadOnlyList<ReportRun> runs)
    {
        html.Open("section", ("id", "speed")).Element("h2", "Latency and throughput")
            .Open("table", ("id", "speed-table"))
            .Open("thead").Open("tr").Element("th", "run").Element("th", "p50 ms").Element("th", "p90 ms").Element("th", "p99 ms")
            .Element("th", "sentences/s").Element("th", "wall time").Element("th", "device").Element("th", "dtype").Close("tr").Close("thead").Open("tbody");
        foreach (var run in runs)
        {
            var m = run.Metrics;
            var wall = (m.CompletedUtc ?? m.UpdatedUtc) - m.StartedUtc;
            html.Open("tr", ("data-run", run.Name)).Element("td", run.Title)
                .Element("td", Html.Fixed(m.LatencyMs.P50, "0"), ("data-metric", "p50"), ("data-value", Html.Number(m.LatencyMs.P50)))
                .Element("td", Html.Fixed(m.LatencyMs.P90, "0"), ("data-metric", "p90"), ("data-value", Html.Number(m.LatencyMs.P90)))
                .Element("td", Html.Fixed(m.LatencyMs.P99, "0"), ("data-metric", "p99"), ("data-value", Html.Number(m.LatencyMs.P99)))
                .Element("td", Html.Fixed(m.ThroughputSentencesPerSecond, "0.00"), ("data-metric", "throughput"), ("data-value", Html.Number(m.ThroughputSentencesPerSecond)))
                .Element("td", Duration(wall))
                .Element("td", run.Devices).Element("td", run.Manifest.Dtype)
                .Close("tr");
        }
        html.Close("tbody").Close("table")
            .Element("p", "Per-sentence processing time percentiles over succeeded sentences; throughput counts every accounted sentence over the workers' wall time (first start to last end); wall time here is the run's creation to its last update.", ("class", "note"))
            .Close("section").Line();
    }

    private static void ManifestSection(Html html, IReadOnlyList<ReportRun> runs)
    {
        html.Open("section", ("id", "manifest")).Element("h2", "Manifest")
            .Open("table", ("id", "manifest-table")).Open("thead").Open("tr").Element("th", "");
        foreach (var run in runs)
        {
            html.Element("th", run.Title, ("data-run", run.Name));
        }
        html.Close("tr").Close("thead").Open("tbody");
        var fields = new (string Name, Func<ReportRun, string> Value)[]
        {
            ("run", r => r.Name),
            ("model kind", r => r.Manifest.Model.Kind),
            ("model sha256", r => r.Manifest.Model.Sha256),
            ("noise step T", r => r.Manifest.NoiseStep.ToString(CultureInfo.InvariantCulture)),
            ("noise seed", r => r.Manifest.NoiseSeed.ToString(CultureInfo.InvariantCulture)),
            ("dtype", r => r.Manifest.Dtype),
            ("device (of the workers)", r => r.Devices),
            ("attention stored", r => r.Manifest.Attention),
            ("image size S", r => r.Manifest.ImageSize.ToString(CultureInfo.InvariantCulture)),
            ("token length", r => r.Manifest.TokenLength.ToString(CultureInfo.InvariantCulture)),
            ("dataset / split", r => $"{r.Manifest.Dataset} / {r.Manifest.Split}"),
            ("expected sentences", r => r.Manifest.ExpectedSentences.ToString(CultureInfo.InvariantCulture)),
            ("expected objects", r => r.Manifest.ExpectedObjects.ToString(CultureInfo.InvariantCulture)),
            ("code version", r => r.Manifest.CodeVersion),
            ("created", r => r.Manifest.CreatedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)),
            ("manifest sha256", r => r.Metrics.ManifestSha256),
        };
        foreach (var (name, value) in fields)
        {
            html.Open("tr").Element("th", name, ("class", "text"), ("scope", "row"));
            foreach (var run in runs)
            {
                html.Element("td", value(run), ("class", name.EndsWith("sha256", StringComparison.Ordinal) ? "text hash" : "text"), ("data-field", name));
            }
            html.Close("tr");
        }
        html.Close("tbody").Close("table").Close("section").Line();
    }

    private static void GallerySection(Html html, ReportPlan plan, ReportPictures pictures)
    {
        html.Open("section", ("id", "galleries")).Element("h2", "Samples: best, median and worst");
        Legend(html, plan.Options.Style);
        foreach (var gallery in plan.Galleries)
        {
            var run = plan.Runs.First(r => r.Name == gallery.Run);
            html.Open("div", ("class", "run-galleries"), ("data-run", run.Name)).Element("h3", run.Title);
            if (gallery.Best.Count == 0)
            {
                html.Element("p", "No sentence of this run succeeded.", ("class", "note"));
            }
            foreach (var (kind, rows) in new[] { ("best", gallery.Best), ("median", gallery.Median), ("worst", gallery.Worst) })
            {
                if (rows.Count == 0)
                {
                    continue;
                }
                html.Element("h4", kind).Open("div", ("class", "gallery"), ("data-gallery", kind));
                foreach (var row in rows)
                {
                    Sample(html, plan, pictures, run.Name, row, withSentence: true);
                }
                html.Close("div");
            }
            html.Close("div");
        }
        html.Close("section").Line();
    }

    private static void SideBySideSection(Html html, ReportPlan plan, ReportPictures pictures)
    {
        html.Open("section", ("id", "side-by-side")).Element("h2", "The same samples across runs");
        html.Element("p", "Samples every run has, from the lowest to the highest IoU averaged over the runs.", ("class", "note"));
        html.Open("div", ("class", "scroll")).Open("table", ("class", "side-by-side")).Open("thead").Open("tr").Element("th", "sentence");
        foreach (var run in plan.Runs)
        {
            html.Element("th", run.Title, ("data-run", run.Name));
        }
        html.Close("tr").Close("thead").Open("tbody");
        foreach (var key in plan.SideBySide)
        {
            var first = plan.RowOf(plan.Runs[0].Name, key)!;
            html.Open("tr", ("data-key", key.ToString())).Open("td", ("class", "sentence"))
                .Open("q").Text(first.Text ?? "(sentence text not stored)").Close("q")
                .Element("span", Ids(first), ("class", "ids")).Close("td");
            foreach (var run in plan.Runs)
            {
                html.Open("td");
                Sample(html, plan, pictures, run.Name, plan.RowOf(run.Name, key)!, withSentence: false);
                html.Close("td");
            }
            html.Close("tr");
        }
        html.Close("tbody").Close("table").Close("div").Close("section").Line();
    }

    private static void AttentionSection(Html html, ReportPlan plan, ReportPictures pictures)
    {
        html.Open("section", ("id", "attention")).Element("h2", "Attention of the worst samples");
        html.Element("p", "Per token (columns; [SOS] and [EOS] are the start and end tokens), the cross-attention maps averaged over heads and layers at S/32 and S/16 (rows), over the image as the model saw it; each tile scaled to its own range.", ("class", "note"));
        foreach (var pick in plan.Attention)
        {
            var run = plan.Runs.First(r => r.Name == pick.Run);
            html.Open("figure", ("class", "attention"), ("data-run", run.Name), ("data-key", pick.Row.Key.ToString()));
            var loaded = pictures.Get(run.Name, pick.Row.Key);
            if (loaded?.Prediction.Attention is not null)
            {
                var png = AttentionFigures.TokenGrid(loaded.Sample, loaded.Prediction, style: plan.Options.Style);
                html.Void("img", ("src", Html.DataUri("image/png", png)), ("alt", $"attention maps of \"{pick.Row.Text}\" in run {run.Name}"));
            }
            else
            {
                html.Element("div", loaded is null ? pictures.WhyMissing(run.Name, pick.Row.Key) : "attention maps not loaded", ("class", "missing"));
            }
            html.Open("figcaption").Element("strong", run.Title + ": ").Open("q").Text(pick.Row.Text ?? "").Close("q")
                .Text(" \u00b7 IoU " + Html.Fixed(pick.Row.Score, "0.000") + " \u00b7 ").Text(Ids(pick.Row)).Close("figcaption")
                .Close("figure");
        }
        html.Close("section").Line();
    }

    private static void FailuresSection(Html html, IReadOnlyList<ReportRun> runs)
    {
        var failed = runs.SelectMany(run => run.Rows.Where(r => r.Status == SentenceStatus.Failed)
                .OrderBy(r => r.RefId, StringComparer.Ordinal).ThenBy(r => r.SentenceIndex)
                .Select(row => (Run: run, Row: row)))
            .ToList();
        html.Open("section", ("id", "failures")).Element("h2", $"Failed sentences ({failed.Count})");
        if (failed.Count == 0)
        {
            html.Element("p", "No sentence failed.", ("class", "note")).Close("section").Line();
            return;
        }
        html.Element("h3", "By reason").Open("table", ("id", "failure-reasons")).Open("thead").Open("tr")
            .Element("th", "run").Element("th", "sentences").Element("th", "reason", ("class", "text")).Close("tr").Close("thead").Open("tbody");
        // Runs in the report's order; within a run the most frequent reason first.
        var byReason = failed.GroupBy(f => f.Run.Name).SelectMany(inRun => inRun
            .GroupBy(f => f.Row.Error ?? "")
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal));
        foreach (var group in byReason)
        {
            html.Open("tr").Element("td", group.First().Run.Title).Element("td", Count(group.Count()))
                .Element("td", group.Key.Length == 0 ? "(no reason recorded)" : group.Key, ("class", "error")).Close("tr");
        }
        html.Close("tbody").Close("table");
        html.Element("h3", "Every failed sentence").Open("table", ("id", "failures-table")).Open("thead").Open("tr")
            .Element("th", "run").Element("th", "ref").Element("th", "sentence").Element("th", "sent_id").Element("th", "image")
            .Element("th", "text", ("class", "text")).Element("th", "reason", ("class", "text")).Close("tr").Close("thead").Open("tbody");
        foreach (var (run, row) in failed)
        {
            html.Open("tr", ("data-run", run.Name), ("data-key", row.Key.ToString()))
                .Element("td", run.Title).Element("td", row.RefId).Element("td", row.SentenceIndex.ToString(CultureInfo.InvariantCulture))
                .Element("td", row.SentId?.ToString(CultureInfo.InvariantCulture) ?? "-").Element("td", row.ImageId ?? "-")
                .Element("td", row.Text ?? "", ("class", "text"))
                .Element("td", row.Error ?? "(no reason recorded)", ("class", "error"), ("data-reason", row.Error ?? ""))
                .Close("tr");
        }
        html.Close("tbody").Close("table").Close("section").Line();
    }

    private static void Sample(Html html, ReportPlan plan, ReportPictures pictures, string run, SentenceRow row, bool withSentence)
    {
        var succeeded = row.Status == SentenceStatus.Succeeded;
        html.Open("figure", ("class", "sample"), ("data-run", run), ("data-key", row.Key.ToString()),
            ("data-iou", succeeded ? Html.Number(row.Score) : null));
        var loaded = pictures.Get(run, row.Key);
        if (loaded is not null)
        {
            var side = plan.Options.PictureSideFor(loaded.Sample.Size);
            var png = OverlayFigures.Picture(loaded.Sample, loaded.Prediction, plan.Options.StyleFor(side));
            // Whole-pixel enlargements stay sharp; anything else is left to the browser's smoothing.
            var pixelated = side < 256 && 256 % side == 0;
            html.Void("img", ("src", Html.DataUri("image/png", png)), ("alt", row.Text ?? row.Key.ToString()),
                ("width", "256"), ("height", "256"), ("class", pixelated ? "pixelated" : null));
        }
        else
        {
            html.Element("div", pictures.WhyMissing(run, row.Key), ("class", "missing"));
        }
        html.Open("figcaption");
        if (withSentence)
        {
            html.Open("q").Text(row.Text ?? "(sentence text not stored)").Close("q");
        }
        html.Element("span", succeeded ? "IoU " + Html.Fixed(row.Score, "0.000") : "failed: " + (row.Error ?? "no reason recorded"), ("class", "iou"));
        if (withSentence)
        {
            html.Element("span", Ids(row), ("class", "ids"));
        }
        html.Close("figcaption").Close("figure");
    }

    private static void Legend(Html html, FigureStyle style)
    {
        html.Open("p", ("class", "legend note"));
        foreach (var (colour, name) in new[] { (style.TruthColour, "ground truth"), (style.PredictionColour, "prediction"), (style.BothColour, "both") })
        {
            html.Open("span").Trusted($"<i class=\"swatch\" style=\"background:{colour.ToHex()}\"></i>").Text(name).Close("span");
        }
        html.Text("Contours drawn on the image as the model saw it (S \u00d7 S).").Close("p");
    }

    private static string Ids(SentenceRow row) =>
        $"ref {row.RefId} \u00b7 sentence {row.SentenceIndex}" +
        (row.SentId is { } id ? $" \u00b7 sent_id {id}" : "") +
        (row.ImageId is { } image ? $" \u00b7 image {image}" : "");

    private static string Swatch(int run) =>
        $"<i class=\"swatch\" style=\"background:{ReportCharts.RunColour(run).ToHex()}\"></i>";

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) =>
        span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes:00} min")
            : span.TotalMinutes >= 1
                ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds:00} s")
                : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0} s");
}
