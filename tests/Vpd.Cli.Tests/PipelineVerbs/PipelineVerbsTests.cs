using System.Globalization;
using System.Text.Json.Nodes;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;

namespace Vpd.Cli.Tests.PipelineVerbs;

/// <summary>enqueue, work, aggregate, metrics, compare, watch through the CLI entry point against Azurite.</summary>
[Collection(CliAzuriteCollection.Name)]
public sealed class PipelineVerbsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task EnqueueWorkMetrics_ThresholdRun_CompletesWithInProcessNumbers()
    {
        using var bed = new CliTestBed(azurite);

        var enqueue = await CliRun.InvokeAsync(bed.EnqueueArgs("run1"));
        Assert.True(enqueue.ExitCode == 0, enqueue.ToString());
        var work = await CliRun.InvokeAsync(bed.WorkArgs("run1"));
        Assert.True(work.ExitCode == 0, work.ToString());
        var metrics = await CliRun.InvokeAsync(["metrics", "--run", "run1", .. bed.StorageArgs]);
        var json = await CliRun.InvokeAsync(["metrics", "--run", "run1", "--json", .. bed.StorageArgs]);

        Assert.True(metrics.ExitCode == 0, metrics.ToString());
        var expected = bed.InProcessMetrics();
        var row = PrintedTable.Row(metrics.Output, "run1");
        Assert.Equal(bed.ValSentences.ToString(CultureInfo.InvariantCulture), row["expected"]);
        Assert.Equal(row["expected"], row["succeeded"]);
        Assert.Equal("0", row["failed"]);
        Assert.Equal("complete", row["state"]);
        Assert.Equal((expected.OverallIou * 100).ToString("F2", CultureInfo.InvariantCulture), row["oIoU"]);
        Assert.Equal((expected.Precision(0) * 100).ToString("F2", CultureInfo.InvariantCulture), row["P@0.5"]);
        var stored = RunMetrics.Parse(System.Text.Encoding.UTF8.GetBytes(json.Output), "vpd metrics --json");
        Assert.Equal(expected.OverallIou, stored.OverallIou, 12);
        Assert.Equal(expected.MeanIou, stored.MeanIou, 12);
        Assert.Equal(expected.SumIntersection, stored.CumI);
    }

    [Fact]
    public async Task Enqueue_RerunOfCompleteRun_EnqueuesNothing()
    {
        using var bed = new CliTestBed(azurite);
        Assert.Equal(0, (await CliRun.InvokeAsync(bed.EnqueueArgs("run2"))).ExitCode);
        Assert.Equal(0, (await CliRun.InvokeAsync(bed.WorkArgs("run2"))).ExitCode);
        var queue = bed.Clients.Queue(bed.Names.ExpressionsQueue);
        var before = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

        var rerun = await CliRun.InvokeAsync(bed.EnqueueArgs("run2"));

        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Contains("0 objects (0 sentences) enqueued", rerun.Output, StringComparison.Ordinal);
        Assert.Contains("resumed an existing run", rerun.Output, StringComparison.Ordinal);
        Assert.Equal(before, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Metrics_ImageDeletedBeforeWork_ShowsItsSentencesAsFailed()
    {
        using var bed = new CliTestBed(azurite);
        Assert.Equal(0, (await CliRun.InvokeAsync(bed.EnqueueArgs("run3"))).ExitCode);
        var dataset = bed.Dataset;
        var firstImage = dataset.Refs("val")[0].ImageId;
        var lost = dataset.Samples("val").Count(s => s.ImageId == firstImage);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(dataset.ImagePath(firstImage))));
        await bed.Clients.Blobs.GetBlobContainerClient(bed.Names.InputsContainer)
            .DeleteBlobAsync($"refshapes/images/{firstImage.ToString(CultureInfo.InvariantCulture)}/{sha}");

        Assert.Equal(0, (await CliRun.InvokeAsync(bed.WorkArgs("run3"))).ExitCode);
        var metrics = await CliRun.InvokeAsync(["metrics", "--run", "run3", .. bed.StorageArgs]);

        var row = PrintedTable.Row(metrics.Output, "run3");
        Assert.Equal(lost.ToString(CultureInfo.InvariantCulture), row["failed"]);
        Assert.Equal((bed.ValSentences - lost).ToString(CultureInfo.InvariantCulture), row["succeeded"]);
        Assert.Equal("0", row["pending"]);
        Assert.Equal("complete", row["state"]);
    }

    [Fact]
    public async Task Compare_TwoNoiseSteps_PrintsRunsSideBySideWithTheirSteps()
    {
        using var bed = new CliTestBed(azurite);
        foreach (var (run, step) in new[] { ("t0", "0"), ("t100", "100") })
        {
            Assert.Equal(0, (await CliRun.InvokeAsync(bed.EnqueueArgs(run, "--noise-step", step, "--limit", "2"))).ExitCode);
            Assert.Equal(0, (await CliRun.InvokeAsync(bed.WorkArgs(run))).ExitCode);
        }

        var table = await CliRun.InvokeAsync(["compare", "t100", "t0", .. bed.StorageArgs]);
        var json = await CliRun.InvokeAsync(["compare", "t100", "t0", "--json", .. bed.StorageArgs]);

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Equal(["t100", "t0"], PrintedTable.RunOrder(table.Output));
        Assert.Equal("100", PrintedTable.Row(table.Output, "t100")["T"]);
        Assert.Equal("0", PrintedTable.Row(table.Output, "t0")["T"]);
        var runs = JsonNode.Parse(json.Output)!.AsArray();
        Assert.Equal([100, 0], runs.Select(r => (int)r!["noiseStep"]!));
        // Fractions in JSON, percent in the table.
        var oIoU = (double)runs[0]!["metrics"]!["oIoU"]!;
        Assert.InRange(oIoU, 0, 1);
        Assert.Equal((oIoU * 100).ToString("F2", CultureInfo.InvariantCulture), PrintedTable.Row(table.Output, "t100")["oIoU"]);
    }

    [Fact]
    public async Task AggregateAndWatch_PartlyWorkedRun_ReportPendingThenComplete()
    {
        using var bed = new CliTestBed(azurite);
        Assert.Equal(0, (await CliRun.InvokeAsync(bed.EnqueueArgs("run5"))).ExitCode);

        var pending = await CliRun.InvokeAsync(["aggregate", "--run", "run5", .. bed.StorageArgs]);
        Assert.True(pending.ExitCode == 0, pending.ToString());
        Assert.Contains($"running; expected {bed.ValSentences}, succeeded 0, failed 0, pending {bed.ValSentences}", pending.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await CliRun.InvokeAsync(bed.WorkArgs("run5"))).ExitCode);
        var watch = await CliRun.InvokeAsync(["watch", "--run", "run5", "--interval", "0.1", .. bed.StorageArgs]);

        Assert.True(watch.ExitCode == 0, watch.ToString());
        Assert.Contains($"run run5: complete, {bed.ValSentences}/{bed.ValSentences} accounted", watch.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_UnknownRun_ExitsBadInputNamingTheRun()
    {
        using var bed = new CliTestBed(azurite);
        await bed.Storage.EnsureCreatedAsync();

        var result = await CliRun.InvokeAsync(["metrics", "--run", "nosuchrun", .. bed.StorageArgs]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nosuchrun", result.Error, StringComparison.Ordinal);
    }
}
