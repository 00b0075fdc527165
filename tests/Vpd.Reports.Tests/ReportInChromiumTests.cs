using System.Globalization;
using System.Text;
using Vpd.Core.Metrics;
using Vpd.Reports.Report;
using Vpd.TestSupport;
using Xunit.Abstractions;
using static Vpd.Reports.Tests.PixelTestData;

namespace Vpd.Reports.Tests;

/// <summary>
/// The report of a demo-sized run (three synthetic runs over RefShapes) opened in headless Chromium, as a person
/// would open the file: no console message (a blocked load or a policy violation would log one), every image
/// decoded, the chart tables as rendered equal to metrics.json, and a screenshot kept as an artefact.
/// </summary>
public sealed class ReportInChromiumTests(ITestOutputHelper output)
{
    [Fact]
    public void Report_DemoSizedRunsInHeadlessChromium_RendersCleanlyWithChartValuesOfMetrics()
    {
        var (plan, pictures, runs) = SampleOutputs.Report();
        var html = RunReport.Render(plan, pictures);
        var reportPath = Artifacts.Write("report.html", Encoding.UTF8.GetBytes(html));

        var view = ReportInBrowser.Open(reportPath);

        // The chart tables as Chromium built the DOM, against metrics.json as stored.
        var rendered = view.Rendered;
        var precision = rendered.QuerySelector("table.chart-data[data-chart=precision]")!;
        foreach (var run in runs)
        {
            var stored = Vpd.Core.Contracts.RunMetrics.Parse(run.Metrics.ToUtf8Json(), $"runs/{run.Name}/metrics.json");
            for (var i = 0; i < IouAccumulator.Thresholds.Count; i++)
            {
                var key = IouAccumulator.ThresholdKey(i);
                var cell = ReportDom.Cell(precision, run.Name, "data-key", key);
                Assert.Equal(stored.Precision[key], ReportDom.Value(cell));
                Assert.Equal((stored.Precision[key] * 100).ToString("0.00", CultureInfo.InvariantCulture), cell.TextContent);
            }
            Assert.Equal(stored.OverallIou, ReportDom.Value(ReportDom.Cell(rendered.GetElementById("metrics-table")!, run.Name, "data-metric", "oIoU")));
        }

        var screenshotPath = ReportInBrowser.Screenshot(reportPath, view, Path.Combine(Artifacts.Dir, "report-screenshot.png"));
        using var screenshot = Decode(File.ReadAllBytes(screenshotPath));
        Assert.Equal(view.Width, screenshot.Width);
        Assert.True(screenshot.Height >= 2000, $"screenshot only {screenshot.Height} px tall");
        output.WriteLine($"report: {reportPath} ({html.Length / 1024} KiB)");
        output.WriteLine($"screenshot: {screenshotPath} ({screenshot.Width}x{screenshot.Height})");
    }
}
