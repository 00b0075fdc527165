using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Vpd.Core.Metrics;
using Vpd.Reports.Report;
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
    private const int Width = 1400;

    // Runs on load inside a copy of the page (the report itself has no script): reports, per image, whether it
    // decoded, plus the page height and any policy violation or error event, into a <pre> the DOM dump carries.
    private const string Probe = """
        (() => {
          const problems = [];
          document.addEventListener('securitypolicyviolation', e => problems.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI));
          window.addEventListener('error', e => problems.push('error: ' + (e.message || (e.target && e.target.tagName))), true);
          window.addEventListener('load', () => {
            const images = [...document.images].map(i => ({ alt: i.alt, complete: i.complete, width: i.naturalWidth, shown: i.getBoundingClientRect().width }));
            const pre = document.createElement('pre');
            pre.id = 'vpd-probe';
            pre.textContent = JSON.stringify({ images, problems, height: document.documentElement.scrollHeight });
            document.body.appendChild(pre);
          });
        })();
        """;

    [Fact]
    public void Report_DemoSizedRunsInHeadlessChromium_RendersCleanlyWithChartValuesOfMetrics()
    {
        var (plan, pictures, runs) = SampleOutputs.Report();
        var html = RunReport.Render(plan, pictures);
        var reportPath = Artifacts.Write("report.html", Encoding.UTF8.GetBytes(html));
        var probePath = Artifacts.Write("report-probe.html", Encoding.UTF8.GetBytes(WithProbe(html)));

        var dump = HeadlessChromium.DumpDom(probePath, Width);

        Assert.True(dump.ConsoleMessages.Count == 0, "console: " + string.Join("\n", dump.ConsoleMessages));
        var rendered = new HtmlParser().ParseDocument(dump.Stdout);
        var probe = JsonDocument.Parse(rendered.GetElementById("vpd-probe")?.TextContent
            ?? throw new Xunit.Sdk.XunitException("the probe did not run: " + dump.Stdout[..Math.Min(400, dump.Stdout.Length)])).RootElement;
        Assert.Empty(probe.GetProperty("problems").EnumerateArray());
        var images = probe.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(ReportDom.Parse(html).QuerySelectorAll("img").Length, images.Count);
        Assert.All(images, image =>
        {
            Assert.True(image.GetProperty("complete").GetBoolean() && image.GetProperty("width").GetInt32() > 0, $"image not decoded: {image}");
            Assert.True(image.GetProperty("shown").GetDouble() > 0, $"image not laid out: {image}");
        });

        // The chart tables as Chromium built the DOM, against metrics.json as stored.
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

        var height = Math.Min(probe.GetProperty("height").GetInt32() + 40, 30000);
        var screenshotPath = Path.Combine(Artifacts.Dir, "report-screenshot.png");
        File.Delete(screenshotPath);
        var shot = HeadlessChromium.Screenshot(reportPath, screenshotPath, Width, height);
        Assert.True(shot.ConsoleMessages.Count == 0, "console: " + string.Join("\n", shot.ConsoleMessages));
        using var screenshot = Decode(File.ReadAllBytes(screenshotPath));
        Assert.Equal(Width, screenshot.Width);
        Assert.True(screenshot.Height >= 2000, $"screenshot only {screenshot.Height} px tall");
        output.WriteLine($"report: {reportPath} ({html.Length / 1024} KiB)");
        output.WriteLine($"screenshot: {screenshotPath} ({screenshot.Width}x{screenshot.Height})");
        Console.WriteLine($"Chromium screenshot of the report: {screenshotPath}");
    }

    /// <summary>The page with <see cref="Probe"/> appended to its body and allowed by hash in its policy; nothing else loosened.</summary>
    private static string WithProbe(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var policy = document.QuerySelector("meta[http-equiv=Content-Security-Policy]")!;
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Probe)));
        policy.SetAttribute("content", policy.GetAttribute("content") + $"; script-src 'sha256-{hash}'");
        var script = document.CreateElement("script");
        script.TextContent = Probe;
        document.Body!.AppendChild(script);
        return "<!DOCTYPE html>\n" + document.DocumentElement.OuterHtml;
    }
}
