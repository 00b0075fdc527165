using System.Text.Json.Nodes;
using Vpd.Cli.Common;
using Vpd.Core.Contracts;

namespace Vpd.Cli.Tests.PipelineVerbs;

public sealed class MetricsTableTests
{
    private static RunReport Report(string run, int noiseStep, RunState state, double oIoU, long failed, long pending)
    {
        var manifest = new RunManifest
        {
            Run = run, Model = new ModelSpec("threshold", "{}", "x", new string('a', 64)), Settings = new RunSettings("refshapes", "val", 8, 1, noiseStep, 3),
            ExpectedSentences = 10, ExpectedObjects = 4, ObjectsSha256 = new string('c', 64), CodeVersion = "test", CreatedUtc = DateTimeOffset.UnixEpoch,
        };
        var metrics = new RunMetrics
        {
            Run = run, State = state, Counts = new SentenceCounts(10, 10 - failed - pending, failed, pending), OverallIou = oIoU,
            MeanIou = oIoU / 2, Precision = MetricsTable.Thresholds.ToDictionary(k => k, k => 1 - double.Parse(k, System.Globalization.CultureInfo.InvariantCulture)),
            CumI = 5, CumU = 9, ThroughputSentencesPerSecond = 1, LatencyMs = new LatencyPercentiles(1, 2, 3),
            StartedUtc = DateTimeOffset.UnixEpoch, UpdatedUtc = DateTimeOffset.UnixEpoch, ManifestSha256 = new string('b', 64),
        };
        return new RunReport(manifest, metrics);
    }

    [Fact]
    public void Render_Runs_PrintsPercentWithCountsAndState()
    {
        var text = MetricsTable.Render([Report("a", 0, RunState.Complete, 0.12345, 1, 0), Report("b", 500, RunState.Stalled, 0.5, 2, 3)]);

        var a = PrintedTable.Row(text, "a");
        var b = PrintedTable.Row(text, "b");
        Assert.Equal("12.35", a["oIoU"]);
        Assert.Equal("50.00", a["P@0.5"]);
        Assert.Equal("10.00", a["P@0.9"]);
        Assert.Equal("6.17", a["mIoU"]);
        Assert.Equal("500", b["T"]);
        Assert.Equal(("2", "3", "5", "stalled"), (b["failed"], b["pending"], b["succeeded"], b["state"]));
        Assert.Contains("not complete: b", text, StringComparison.Ordinal);
        Assert.DoesNotContain("not complete: a", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_Runs_KeepsFractionsAndNoiseStep()
    {
        var json = JsonNode.Parse(MetricsTable.ToJson([Report("a", 100, RunState.Running, 0.25, 0, 4)]))!.AsArray();

        Assert.Equal(100, (int)json[0]!["noiseStep"]!);
        Assert.Equal(0.25, (double)json[0]!["metrics"]!["oIoU"]!);
        Assert.Equal("running", (string?)json[0]!["metrics"]!["state"]);
    }
}
