using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Masks;
using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class PoisonAndAggregateTests(AzuriteFixture azurite)
{
    /// <summary>Fails (as a faulty device would: not bad input) on any sentence containing "boom".</summary>
    private sealed class FaultySegmenterFactory : ISegmenterFactory
    {
        public ISegmenter Create(RunManifest manifest, string modelFile) => new Faulty();

        private sealed class Faulty : ISegmenter
        {
            private readonly ThresholdSegmenter _inner = new();

            public IReadOnlyList<BinaryMask> Segment(
                RunManifest manifest, string imageId, RgbImage image, IReadOnlyList<string> sentences, CancellationToken cancellationToken) =>
                sentences.Any(s => s.Contains("boom", StringComparison.Ordinal))
                    ? throw new InvalidOperationException("device lost")
                    : _inner.Segment(manifest, imageId, image, sentences, cancellationToken);
        }
    }

    [Fact]
    public async Task Worker_MessageFailingEveryDelivery_PoisonedThenRecordedAsFailedAndRunCompletes()
    {
        using var bed = new PipelineTestBed(azurite, new FaultySegmenterFactory());
        var objects = bed.Objects(3).ToList();
        objects[1] = objects[1] with { Sentences = [new SentenceItem(0, "boom one"), new SentenceItem(1, "boom two")] };
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request("run-poison", objects), null, default);
        var events = new List<WorkerEvent>();
        var options = new WorkerOptions
        {
            Concurrency = 2, MaxDequeueCount = 3, MinPollInterval = TimeSpan.FromMilliseconds(20), MaxPollInterval = TimeSpan.FromMilliseconds(100),
        };

        var metrics = await EndToEndTests.RunWorkerUntilDoneAsync(bed, "run-poison", options, new SyncProgress<WorkerEvent>(events.Add));

        var failing = events.Where(e => e.Queue == bed.Names.ExpressionsQueue && e.Kind != WorkerEventKind.Completed).ToList();
        Assert.Equal([WorkerEventKind.Retrying, WorkerEventKind.Retrying, WorkerEventKind.Poisoned], failing.Select(e => e.Kind));
        Assert.Equal([1L, 2L, 3L], failing.Select(e => e.DequeueCount));
        Assert.Contains(events, e => e.Queue == bed.Names.ExpressionsPoisonQueue && e.Kind == WorkerEventKind.Completed);
        var rows = (await bed.RowsAsync("run-poison")).Where(r => r.GetString("RefId") == objects[1].RefId).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(SampleStatus.Failed, r.GetString("Status"));
            Assert.Contains(PoisonHandler.DefaultReason, r.GetString("Error"));
            Assert.Contains("device lost", r.GetString("Error"));
        });
        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(2, metrics.Counts.Failed);
        Assert.Equal(metrics.Counts.Expected - 2, metrics.Counts.Succeeded);
        Assert.Equal(0, (await bed.Storage.ExpressionsPoisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Poison_MessageWhoseSentencesSucceeded_KeepsSucceededRows()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request("run-kept", bed.Objects(3).Skip(2).ToList()), null, default);
        var message = (await bed.Storage.ExpressionsQueue.ReceiveMessageAsync()).Value;
        await bed.Services.Processor.ProcessAsync(message.MessageText, 1, default);

        var written = await bed.Services.Poison.HandleAsync(message.MessageText, null, default);

        Assert.Equal(0, written);
        Assert.All(await bed.RowsAsync("run-kept"), r => Assert.Equal(SampleStatus.Succeeded, r.GetString("Status")));
    }

    [Fact]
    public async Task Aggregate_RunWithoutProgress_StallsAfterBoundedChecks()
    {
        using var bed = new PipelineTestBed(azurite, aggregator: new AggregatorOptions { MaxChecksWithoutProgress = 2 });
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request("run-stall", bed.Objects(2)), null, default);
        var message = (await bed.Storage.ExpressionsQueue.ReceiveMessageAsync()).Value;
        await bed.Services.Processor.ProcessAsync(message.MessageText, 1, default);

        var first = await bed.Services.Aggregator.AggregateAsync(new AggregateMessage { Run = "run-stall" }, default);
        var second = await bed.Services.Aggregator.AggregateAsync(first.Next!, default);
        var third = await bed.Services.Aggregator.AggregateAsync(second.Next!, default);

        Assert.Equal(RunState.Running, first.Metrics.State);
        Assert.Equal(new AggregateMessage { Run = "run-stall", LastAccounted = 1, ChecksWithoutProgress = 0 }, first.Next);
        Assert.Equal(1, second.Next!.ChecksWithoutProgress);
        Assert.Equal(RunState.Stalled, third.Metrics.State);
        Assert.Null(third.Next);
        Assert.Equal(new SentenceCounts(3, 1, 0, 2), third.Metrics.Counts);
        var blob = await bed.Storage.Runs.GetBlobClient(StorageLayout.MetricsBlob("run-stall")).DownloadContentAsync();
        Assert.Equal(RunState.Stalled, RunMetrics.Parse(blob.Value.Content.ToArray(), "metrics.json").State);
        var row = await bed.Storage.RunsTable.GetEntityAsync<Azure.Data.Tables.TableEntity>(StorageLayout.RunsPartition, "run-stall");
        Assert.Equal("stalled", row.Value.GetString("State"));
        Assert.Equal(2L, row.Value.GetInt64("Pending"));
    }

    [Fact]
    public async Task HandleMessage_RunningRun_ReenqueuesNextCheckWithDelay()
    {
        using var bed = new PipelineTestBed(azurite, aggregator: new AggregatorOptions { RecheckDelay = TimeSpan.FromSeconds(60) });
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request("run-next", bed.Objects(2)), null, default);

        var outcome = await bed.Services.Aggregator.HandleMessageAsync(new AggregateMessage { Run = "run-next" }.ToJson(), default);

        Assert.NotNull(outcome);
        Assert.Equal(RunState.Running, outcome.Metrics.State);
        // The enqueuer's first message (no delay) and the re-enqueued one (60 s) are both there, the latter invisible.
        Assert.Equal(2, (await bed.Storage.AggregateQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Single((await bed.Storage.AggregateQueue.ReceiveMessagesAsync(10)).Value);
    }

    [Fact]
    public async Task HandleMessage_UnknownRunOrMalformed_RecordedNotThrown()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Storage.EnsureCreatedAsync();

        Assert.Null(await bed.Services.Aggregator.HandleMessageAsync(new AggregateMessage { Run = "nosuchrun" }.ToJson(), default));
        Assert.Null(await bed.Services.Aggregator.HandleMessageAsync("{]", default));

        var rows = await bed.RowsAsync(StorageLayout.MalformedPartition);
        Assert.Equal(2, rows.Count);
        Assert.Contains(rows, r => r.GetString("Error")!.Contains("unknown run 'nosuchrun'"));
    }
}
