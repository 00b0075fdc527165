using Vpd.Core.Contracts;
using Vpd.Core.Masks;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class EndToEndTests(AzuriteFixture azurite)
{
    private static readonly WorkerOptions FastWorker = new()
    {
        Concurrency = 3,
        MinPollInterval = TimeSpan.FromMilliseconds(20),
        MaxPollInterval = TimeSpan.FromMilliseconds(200),
        VisibilityTimeout = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public async Task Worker_EnqueuedRun_MetricsEqualInProcessEvaluation()
    {
        using var bed = new PipelineTestBed(azurite);
        var request = bed.Request("run-e2e", bed.Objects(7));
        var enqueued = await bed.Services.Enqueuer.EnqueueAsync(request, null, default);

        var metrics = await RunWorkerUntilDoneAsync(bed, "run-e2e");

        var expected = PipelineTestBed.InProcessMetrics(request);
        // Non-trivial masks, so that a mix-up of masks, truths or sentences would change the numbers.
        Assert.InRange(expected.OverallIou, 0.05, 0.95);
        Assert.NotEqual(expected.Precision(0), expected.Precision(4));
        Assert.Equal(7, enqueued.ObjectsEnqueued);
        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(new SentenceCounts(expected.Count, expected.Count, 0, 0), metrics.Counts);
        Assert.Equal(expected.OverallIou, metrics.OverallIou);
        Assert.Equal(expected.MeanIou, metrics.MeanIou);
        Assert.Equal(expected.SumIntersection, metrics.CumI);
        Assert.Equal(expected.SumUnion, metrics.CumU);
        Assert.Equal(expected.PrecisionByThreshold(), metrics.Precision);
        Assert.Equal(enqueued.ManifestSha256, metrics.ManifestSha256);
        Assert.NotNull(metrics.CompletedUtc);
        // One model load for the whole run, whatever the number of messages and workers.
        Assert.Equal(1, ((ThresholdSegmenter.Factory)bed.Segmenters).Created);
    }

    [Fact]
    public async Task Worker_EnqueuedRun_WritesEveryMaskAtEvaluationSize()
    {
        using var bed = new PipelineTestBed(azurite);
        var request = bed.Request("run-masks", bed.Objects(4));
        await bed.Services.Enqueuer.EnqueueAsync(request, null, default);

        await RunWorkerUntilDoneAsync(bed, "run-masks");

        foreach (var (o, masks, _) in PipelineTestBed.InProcessMasks(request))
        {
            for (var k = 0; k < masks.Count; k++)
            {
                var name = StorageLayout.MaskBlob("run-masks", o.RefId, o.Sentences[k].Index);
                var png = (await bed.Storage.Runs.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
                var stored = MaskPng.Decode(png, PipelineTestBed.Size, PipelineTestBed.Size, name);
                Assert.Equal(masks[k].Pixels, stored.Pixels);
            }
        }
        var metricsBlob = await bed.Storage.Runs.GetBlobClient(StorageLayout.MetricsBlob("run-masks")).DownloadContentAsync();
        Assert.Equal(RunState.Complete, RunMetrics.Parse(metricsBlob.Value.Content.ToArray(), "metrics.json").State);
    }

    [Fact]
    public async Task Process_EveryMessageDeliveredTwice_SameRowsAndMetrics()
    {
        using var bed = new PipelineTestBed(azurite);
        var request = bed.Request("run-twice", bed.Objects(6));
        await bed.Services.Enqueuer.EnqueueAsync(request, null, default);
        var messages = (await bed.Storage.ExpressionsQueue.ReceiveMessagesAsync(32)).Value;
        Assert.Equal(6, messages.Length);

        foreach (var m in messages)
        {
            await bed.Services.Processor.ProcessAsync(m.MessageText, 1, default);
        }
        var first = Summarise(await bed.RowsAsync("run-twice"));
        foreach (var m in messages.Reverse())
        {
            await bed.Services.Processor.ProcessAsync(m.MessageText, 2, default);
        }
        var second = Summarise(await bed.RowsAsync("run-twice"));
        var outcome = await bed.Services.Aggregator.AggregateAsync(new AggregateMessage { Run = "run-twice" }, default);

        var expected = PipelineTestBed.InProcessMetrics(request);
        Assert.Equal(expected.Count, first.Count);
        Assert.Equal(first, second);
        Assert.True(outcome.IsComplete);
        Assert.Null(outcome.Next);
        Assert.Equal(expected.OverallIou, outcome.Metrics.OverallIou);
        Assert.Equal(expected.MeanIou, outcome.Metrics.MeanIou);
        Assert.Equal(expected.PrecisionByThreshold(), outcome.Metrics.Precision);
    }

    [Fact]
    public async Task Worker_KilledMidMessage_AnotherWorkerFinishesWithOneRowPerSentence()
    {
        using var bed = new PipelineTestBed(azurite);
        var request = bed.Request("run-killed", bed.Objects(4));
        await bed.Services.Enqueuer.EnqueueAsync(request, null, default);
        // A worker that dies holds its messages until their visibility timeout ends: two it took and never
        // touched, two it finished writing but never deleted (killed between the writes and the delete).
        var taken = (await bed.Storage.ExpressionsQueue.ReceiveMessagesAsync(4, TimeSpan.FromSeconds(2))).Value;
        Assert.Equal(4, taken.Length);
        foreach (var m in taken.Take(2))
        {
            await bed.Services.Processor.ProcessAsync(m.MessageText, m.DequeueCount, default);
        }

        var metrics = await RunWorkerUntilDoneAsync(bed, "run-killed");

        var expected = PipelineTestBed.InProcessMetrics(request);
        var rows = await bed.RowsAsync("run-killed");
        Assert.Equal(expected.Count, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => r.RowKey).Distinct().Count());
        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(expected.Count, metrics.Counts.Succeeded);
        Assert.Equal(expected.OverallIou, metrics.OverallIou);
        Assert.Equal(expected.MeanIou, metrics.MeanIou);
        Assert.Equal(0, (await bed.Storage.ExpressionsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Enqueue_WireFormat_IsBase64Json()
    {
        using var bed = new PipelineTestBed(azurite);
        var objects = bed.Objects(1);
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request("run-wire", objects), null, default);

        // A client without base64 decoding sees the raw text on the wire.
        var raw = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, bed.Names.ExpressionsQueue);
        var onWire = (await raw.PeekMessageAsync()).Value.Body.ToString();

        var json = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(onWire));
        var message = ExpressionMessage.Parse(json);
        Assert.Equal("run-wire", message.Run);
        Assert.Equal(objects[0].RefId, message.RefId);
        Assert.Equal(objects[0].Sentences, message.Sentences);
    }

    [Fact]
    public async Task Enqueue_SameRunAgain_EnqueuesOnlyObjectsWithoutRowsAndSkipsUploads()
    {
        using var bed = new PipelineTestBed(azurite);
        var request = bed.Request("run-again", bed.Objects(5));
        var first = await bed.Services.Enqueuer.EnqueueAsync(request, null, default);
        var messages = (await bed.Storage.ExpressionsQueue.ReceiveMessagesAsync(32)).Value;
        foreach (var m in messages.Take(2))
        {
            await bed.Services.Processor.ProcessAsync(m.MessageText, 1, default);
        }
        foreach (var m in messages)
        {
            await bed.Storage.ExpressionsQueue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
        }

        var progress = new List<Vpd.Pipeline.Enqueue.EnqueueProgress>();
        var second = await bed.Services.Enqueuer.EnqueueAsync(request, new SyncProgress<Vpd.Pipeline.Enqueue.EnqueueProgress>(progress.Add), default);

        Assert.False(first.ManifestExisted);
        Assert.True(second.ManifestExisted);
        Assert.Equal(first.ManifestSha256, second.ManifestSha256);
        Assert.Equal((3, 0), (first.ImagesUploaded, first.ImagesSkipped));
        Assert.Equal((0, 3), (second.ImagesUploaded, second.ImagesSkipped));
        Assert.Equal((0, 5), (second.TruthUploaded, second.TruthSkipped));
        Assert.Equal((3, 2), (second.ObjectsEnqueued, second.ObjectsSkipped));
        Assert.Equal(3, (await bed.Storage.ExpressionsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Contains(progress, p => p is { Stage: "messages", Done: 5, Total: 5 });
    }

    [Fact]
    public async Task Enqueue_SameRunDifferentSettings_Refused()
    {
        using var bed = new PipelineTestBed(azurite);
        var request = bed.Request("run-clash", bed.Objects(2));
        await bed.Services.Enqueuer.EnqueueAsync(request, null, default);

        var e = await Assert.ThrowsAsync<ArgumentException>(
            () => bed.Services.Enqueuer.EnqueueAsync(request with { NoiseSeed = 8 }, null, default));
        Assert.Contains("run-clash", e.Message);
        Assert.Contains("different manifest", e.Message);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ReturnsPromptly()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Storage.EnsureCreatedAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await bed.Services.CreateWorker(FastWorker).RunAsync(cts.Token);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    /// <summary>Runs a worker until the run's VpdRuns row says complete or stalled; returns the metrics.json.</summary>
    internal static async Task<RunMetrics> RunWorkerUntilDoneAsync(PipelineTestBed bed, string run, WorkerOptions? options = null, IProgress<WorkerEvent>? events = null)
    {
        using var cts = new CancellationTokenSource();
        var worker = bed.Services.CreateWorker(options ?? FastWorker, events).RunAsync(cts.Token);
        try
        {
            await PipelineTestBed.WaitUntilAsync(async () =>
            {
                var row = await bed.Storage.RunsTable.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(StorageLayout.RunsPartition, run);
                return row.HasValue && row.Value!.GetString("State") is "complete" or "stalled";
            }, TimeSpan.FromSeconds(30), $"run {run} to finish");
        }
        finally
        {
            await cts.CancelAsync();
            await worker;
        }
        var blob = await bed.Storage.Runs.GetBlobClient(StorageLayout.MetricsBlob(run)).DownloadContentAsync();
        return RunMetrics.Parse(blob.Value.Content.ToArray(), "metrics.json");
    }

    /// <summary>The columns that must not change when a message is processed again.</summary>
    private static List<string> Summarise(IEnumerable<Azure.Data.Tables.TableEntity> rows) =>
        rows.Select(r => $"{r.RowKey}|{r.GetString("Status")}|{r.GetInt64("I")}|{r.GetInt64("U")}|{r.GetDouble("IoU")}|{r.GetString("Error")}|{r.GetString("MaskBlob")}")
            .ToList();
}

/// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, too late for asserts).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
