using Vpd.Core.Contracts;
using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Hosting;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Queues;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

/// <summary>Fails (as a faulty device would: not bad input) on any sentence containing "boom".</summary>
internal sealed class FaultySegmenterFactory : ISegmenterFactory
{
    public ISegmenter Create(RunManifest manifest, string modelFile, HostSettings host) => new Faulty();

    private sealed class Faulty : ISegmenter
    {
        public IReadOnlyList<SegmentedSentence> Segment(
            RunManifest manifest, ImageInput image, IReadOnlyList<Sentence> sentences, bool withAttention, CancellationToken cancellationToken) =>
            sentences.Any(s => s.Text.Contains("boom", StringComparison.Ordinal))
                ? throw new InvalidOperationException("device lost")
                : new ThresholdSegmenter().Segment(manifest, image, sentences, withAttention, cancellationToken);
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class PoisonAndAggregateTests(AzuriteFixture azurite)
{
    private static readonly WorkerOptions ThreeDeliveries = PipelineTestBed.FastWorker with
    {
        Concurrency = 2,
        Queues = PipelineTestBed.FastWorker.Queues with { MaxDequeueCount = 3 },
    };

    [Fact]
    public async Task Worker_MessageFailingEveryDelivery_PoisonedThenRecordedAsFailedAndRunCompletes()
    {
        using var bed = new PipelineTestBed(azurite, new FaultySegmenterFactory(), worker: ThreeDeliveries);
        var objects = bed.Objects(3).ToList();
        objects[1] = objects[1] with { Sentences = [new Sentence(0, 1, "boom one"), new Sentence(1, 2, "boom two")] };
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-poison", objects), null, default);

        var metrics = await bed.RunWorkerUntilDoneAsync("run-poison");

        var retries = bed.Logs.Named("MessageRetrying");
        Assert.Equal([1L, 2L], retries.Select(l => (long)l.Values["DequeueCount"]!));
        var poisoned = Assert.Single(bed.Logs.Named("MessagePoisoned"));
        Assert.Equal(3L, (long)poisoned.Values["DequeueCount"]!);
        Assert.Equal((2L, 1L), (bed.Worker.Retried, bed.Worker.Poisoned));
        var rows = (await bed.RowsAsync("run-poison")).Values.Where(r => r.Id.RefId == objects[1].RefId).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r =>
        {
            BadInputTests.AssertFailed(r, "failed on each of its", "last error", "device lost");
            Assert.Equal("boom one", rows.Single(x => x.Id.Index == 0).Text);
        });
        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(2, metrics.Counts.Failed);
        Assert.Equal(metrics.Counts.Expected - 2, metrics.Counts.Succeeded);
        Assert.Equal(0, (await bed.Queue(bed.Names.ExpressionsPoisonQueue).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Poison_FromTheFunctionsHost_ReasonSaysTheHostGaveUp()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-host", bed.Objects(1)), null, default);
        var message = (await bed.ExpressionsQueue.ReceiveMessageAsync()).Value;

        var written = await bed.Poison.HandleAsync(message.MessageText, lastError: null, default);

        Assert.Equal(1, written);
        BadInputTests.AssertFailed(Assert.Single(await bed.RowsAsync("run-host")).Value, PoisonHandler.HostGaveUpReason);
    }

    [Fact]
    public async Task Poison_MessageWhoseSentencesSucceeded_KeepsSucceededRows()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-kept", bed.Objects(3).Skip(2).ToList()), null, default);
        var message = (await bed.ExpressionsQueue.ReceiveMessageAsync()).Value;
        await bed.Processor.ProcessAsync(message.MessageText, 1, default);

        var written = await bed.Poison.HandleAsync(message.MessageText, null, default);

        Assert.Equal(0, written);
        Assert.All((await bed.RowsAsync("run-kept")).Values, r => Assert.Equal(SampleStatus.Succeeded, r.Status));
    }

    [Fact]
    public async Task Aggregate_RunQueuedBehindOtherWork_IsNotStalledUntilTheQueueIsEmpty()
    {
        using var bed = new PipelineTestBed(azurite, aggregator: new AggregatorOptions { MaxChecksWithoutProgress = 2 });
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-queued", bed.Objects(2)), null, default);

        // No worker yet: the run's messages wait in the queue through many more checks than the stall rule allows.
        var check = await bed.Aggregator.CheckAsync(new AggregateMessage { Run = "run-queued" }, default);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(RunState.Running, check.Metrics.State);
            check = await bed.Aggregator.CheckAsync(check.Next!, default);
        }
        Assert.Equal(RunState.Running, check.Metrics.State);
        Assert.Equal(0, check.Next!.ChecksWithoutProgress);

        // Its messages lost, the rule applies again.
        await bed.ExpressionsQueue.ClearMessagesAsync();
        var first = await bed.Aggregator.CheckAsync(check.Next!, default);
        var second = await bed.Aggregator.CheckAsync(first.Next!, default);
        Assert.Equal(RunState.Running, first.Metrics.State);
        Assert.Equal(RunState.Stalled, second.Metrics.State);
    }

    [Fact]
    public async Task Aggregate_RunWithoutProgress_StallsAfterBoundedChecks()
    {
        using var bed = new PipelineTestBed(azurite, aggregator: new AggregatorOptions { MaxChecksWithoutProgress = 2 });
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-stall", bed.Objects(2)), null, default);
        var message = (await bed.ExpressionsQueue.ReceiveMessageAsync()).Value;
        await bed.Processor.ProcessAsync(message.MessageText, 1, default);
        // The other object's message is lost: nothing is left to process.
        await bed.ExpressionsQueue.ClearMessagesAsync();

        var first = await bed.Aggregator.CheckAsync(new AggregateMessage { Run = "run-stall" }, default);
        var second = await bed.Aggregator.CheckAsync(first.Next!, default);
        var third = await bed.Aggregator.CheckAsync(second.Next!, default);

        Assert.Equal(RunState.Running, first.Metrics.State);
        Assert.Equal(new AggregateMessage { Run = "run-stall", LastAccounted = 1, ChecksWithoutProgress = 0 }, first.Next);
        Assert.Equal(1, second.Next!.ChecksWithoutProgress);
        Assert.Equal(RunState.Stalled, third.Metrics.State);
        Assert.Null(third.Next);
        Assert.Equal(new SentenceCounts(3, 1, 0, 2, 0), third.Metrics.Counts);
        Assert.Equal(RunState.Stalled, (await bed.Storage.Runs.FindMetricsAsync("run-stall", default))!.State);
        var row = await bed.RunsTable.GetEntityAsync<Azure.Data.Tables.TableEntity>("runs", "run-stall");
        Assert.Equal("stalled", row.Value.GetString("State"));
        Assert.Equal(2L, row.Value.GetInt64("Pending"));
    }

    [Fact]
    public async Task HandleMessage_RunningRun_ReenqueuesNextCheckWithDelay()
    {
        using var bed = new PipelineTestBed(azurite, aggregator: new AggregatorOptions { RecheckDelay = TimeSpan.FromSeconds(60) });
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-next", bed.Objects(2)), null, default);

        var outcome = await bed.Aggregator.HandleMessageAsync(new AggregateMessage { Run = "run-next" }.ToJson(), default);

        Assert.NotNull(outcome);
        Assert.Equal(RunState.Running, outcome.Metrics.State);
        // The enqueuer's first message (no delay) and the re-enqueued one (60 s) are both there, the latter invisible.
        var aggregate = bed.Queue(bed.Names.AggregateQueue);
        Assert.Equal(2, (await aggregate.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Single((await aggregate.ReceiveMessagesAsync(10)).Value);
    }

    [Fact]
    public async Task HandleMessage_UnknownRunOrMalformed_RecordedNotThrown()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Storage.EnsureCreatedAsync();

        Assert.Null(await bed.Aggregator.HandleMessageAsync(new AggregateMessage { Run = "nosuchrun" }.ToJson(), default));
        Assert.Null(await bed.Aggregator.HandleMessageAsync("{]", default));

        var rows = await bed.MalformedAsync();
        Assert.Equal(2, rows.Count);
        Assert.Contains(rows, r => r.GetString("Error")!.Contains("unknown run 'nosuchrun'"));
    }

    [Fact]
    public async Task Worker_AggregateCheckFailingEveryDelivery_RecordedOnTheRunsRow()
    {
        using var bed = new PipelineTestBed(azurite, worker: ThreeDeliveries);
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-aggfail", bed.Objects(1)), null, default);
        await bed.ExpressionsQueue.ClearMessagesAsync();
        // A storage fault the check cannot get past: the run's results table is gone.
        await bed.SamplesTable.DeleteAsync();

        using (var cts = new CancellationTokenSource())
        {
            var worker = bed.Worker.RunAsync(cts.Token);
            await PipelineTestBed.WaitUntilAsync(async () =>
                (await bed.RunsTable.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("runs", "run-aggfail")) is { HasValue: true } row
                && row.Value!.GetString("AggregationError") is not null
                && (await bed.Queue(bed.Names.AggregatePoisonQueue).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0,
                TimeSpan.FromSeconds(30), "the aggregation failure on the run's row");
            await cts.CancelAsync();
            await worker;
        }

        var entity = (await bed.RunsTable.GetEntityAsync<Azure.Data.Tables.TableEntity>("runs", "run-aggfail")).Value;
        Assert.Contains("vpd aggregate --run", entity.GetString("AggregationError"));
        Assert.Contains("last error", entity.GetString("AggregationError"));
        Assert.Single(bed.Logs.Named("AggregationPoisoned"));
    }
}
