using System.Text.Json;
using SixLabors.ImageSharp;
using Vpd.Core.Attention;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;

namespace Vpd.Cli.Tests.PipelineVerbs;

/// <summary>The run report and the figure verbs, from runs made through the queues.</summary>
[Collection(CliAzuriteCollection.Name)]
public sealed class PicturesVerbsTests(AzuriteFixture azurite)
{
    private static string ArtifactsDir
    {
        get
        {
            var dir = Path.Combine(RepoPaths.Root, "tests", "Vpd.Cli.Tests", "TestResults", "artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    [Fact]
    public async Task Demo_ThresholdRun_WritesAReportThatOpensCleanlyInChromiumWithTheRunsMetrics()
    {
        using var bed = new CliTestBed(azurite);
        using var folder = new TempDir("vpd-demo-out");

        var demo = await CliRun.InvokeAsync(["demo", "--segmenter", "threshold", "--data", bed.DataRoot, "--out", folder.Path, .. bed.StorageArgs]);

        Assert.True(demo.ExitCode == 0, demo.ToString());
        var reportPath = Line(demo.Output, "report: ").Split(' ')[0];
        var overlaysPath = Line(demo.Output, "overlays: ");
        var run = Path.GetFileName(Path.GetDirectoryName(reportPath))!;
        Assert.StartsWith(folder.Path, reportPath, StringComparison.Ordinal);
        using (var grid = Image.Load(overlaysPath))
        {
            Assert.True(grid.Width >= 256 && grid.Height >= 256, $"overlay grid {grid.Width}x{grid.Height}");
        }
        var metrics = await CliRun.InvokeAsync(["metrics", "--run", run, "--json", .. bed.StorageArgs]);
        var stored = RunMetrics.Parse(System.Text.Encoding.UTF8.GetBytes(metrics.Output), "vpd metrics --json");

        var copy = Path.Combine(ArtifactsDir, "demo-report.html");
        File.Copy(reportPath, copy, overwrite: true);
        var view = ReportInBrowser.Open(copy);

        Assert.True(view.Images > 0, "the report shows pictures");
        Assert.Equal(stored.OverallIou, ReportDom.Value(ReportDom.Cell(view.Rendered.GetElementById("metrics-table")!, run, "data-metric", "oIoU")));
        var precision = view.Rendered.QuerySelector("table.chart-data[data-chart=precision]")!;
        foreach (var (key, value) in stored.Precision)
        {
            Assert.Equal(value, ReportDom.Value(ReportDom.Cell(precision, run, "data-key", key)));
        }
        ReportInBrowser.Screenshot(copy, view, Path.Combine(ArtifactsDir, "demo-report.png"));

        // The aggregator stored the same report when the run completed; --download fetches it.
        using var downloaded = new TempDir("vpd-report");
        var download = await CliRun.InvokeAsync(["report", "--run", run, "--download", "--out", downloaded.Path, .. bed.StorageArgs]);
        Assert.True(download.ExitCode == 0, download.ToString());
        var storedHtml = await File.ReadAllTextAsync(Path.Combine(downloaded.Path, "report.html"));
        Assert.Contains($"data-run=\"{run}\"", storedHtml, StringComparison.Ordinal);
        Assert.Equal(ReportDom.Parse(await File.ReadAllTextAsync(reportPath)).GetElementById("metrics-table")!.OuterHtml,
            ReportDom.Parse(storedHtml).GetElementById("metrics-table")!.OuterHtml);
    }

    [Fact]
    public async Task FigureVerbs_TinyModelRunStoringAttention_DrawOverlaysAttentionAndThresholdedMaps()
    {
        using var bed = new CliTestBed(azurite);
        var model = Path.Combine(RepoPaths.Root, "models", "tiny-refshapes.safetensors");
        var enqueue = await CliRun.InvokeAsync(
            ["enqueue", "--data", bed.DataRoot, "--dataset", "refshapes", "--split", "val", "--run", "pics", "--model", model,
             "--attention", "every:2", "--json", .. bed.StorageArgs]);
        Assert.True(enqueue.ExitCode == 0, enqueue.ToString());
        Assert.Equal(0, (await CliRun.InvokeAsync(bed.WorkArgs("pics"))).ExitCode);
        var refs = bed.Dataset.Refs("val");
        var withAttention = refs[0].RefId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var without = refs[1].RefId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var dir = new TempDir("vpd-figures");

        var overlays = await CliRun.InvokeAsync(["figure", "overlays", "--run", "pics", "--count", "4", "--pick", "worst", "--out", dir.File("overlays.png"), .. bed.StorageArgs]);
        var attention = await CliRun.InvokeAsync(["figure", "attention", "--run", "pics", "--ref", withAttention, "--out", dir.File("attention.png"), .. bed.StorageArgs]);
        var threshold = await CliRun.InvokeAsync(["figure", "threshold", "--run", "pics", "--ref", withAttention, "--token", "1", "--out", dir.File("threshold.png"), .. bed.StorageArgs]);
        var notStored = await CliRun.InvokeAsync(["figure", "attention", "--run", "pics", "--ref", without, "--out", dir.File("none.png"), .. bed.StorageArgs]);
        var computed = await CliRun.InvokeAsync(["figure", "attention", "--run", "pics", "--ref", without, "--model", model, "--out", dir.File("computed.png"), .. bed.StorageArgs]);

        foreach (var (result, file) in new[] { (overlays, "overlays.png"), (attention, "attention.png"), (threshold, "threshold.png"), (computed, "computed.png") })
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            using var image = Image.Load(dir.File(file));
            Assert.True(image.Width > 100 && image.Height > 100, $"{file}: {image.Width}x{image.Height}");
            File.Copy(dir.File(file), Path.Combine(ArtifactsDir, $"figure-{file}"), overwrite: true);
        }
        Assert.Equal(2, notStored.ExitCode);
        Assert.Contains("--attention", notStored.Error, StringComparison.Ordinal);
        Assert.Contains("--model", notStored.Error, StringComparison.Ordinal);

        // What the worker stored: the sentence's maps at both levels of the 128 px model, with its tokens.
        var storage = bed.Storage;
        var blob = await storage.Runs.FindAttentionAsync("pics", new SampleId(withAttention, 0), default);
        Assert.NotNull(blob);
        var maps = AttentionBlob.Decode(blob, "attention blob");
        Assert.Equal([4, 8], maps.Sides.Order());
        Assert.Equal(refs[0].Sentences[0].Sent.Split(' ').Length, maps.SentenceTokens().Count(i => maps.Roles[i] == TokenRole.Text));
        Assert.Null(await storage.Runs.FindAttentionAsync("pics", new SampleId(without, 0), default));
    }

    private static string Line(string output, string prefix) =>
        output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..]
        ?? throw new Xunit.Sdk.XunitException($"no line starting '{prefix}' in:\n{output}");
}
