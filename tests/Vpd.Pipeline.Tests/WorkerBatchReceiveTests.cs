using Vpd.Core.Imaging;
using Vpd.Core.Contracts;
using Vpd.Core.Masks;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Worker;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

/// <summary><see cref="WorkerOptions.ReceiveBatchSize"/> above 1: same results and the same retry and poison semantics.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WorkerBatchReceiveTests(AzuriteFixture azurite)
{
    /// <summary>Throws (a device fault, not bad input) for sentences containing "boom".</summary>
    private sealed class BoomSegmenterFactory : ISegmenterFactory
    {
        public ISegmenter Create(RunManifest manifest, string modelFile) => new Boom();

        private sealed class Boom : ISegmenter
        {
            public IReadOnlyList<BinaryMask> Segment(
                RunManifest manifest, string imageId, RgbImage image, IReadOnlyList<string> sentences, CancellationToken cancellationToken) =>
                sentences.Any(s => s.Contains("boom", StringComparison.Ordinal))
                    ? throw new InvalidOperationException("device lost")
                    : new ThresholdSegmenter().Segment(manifest, imageId, image, sentences, cancellationToken);
        }
    }

    private static WorkerOptions Batched(int batch, int maxDequeue = 5) => new()
    {
        Concurrency = 2, ReceiveBatchSize = batch, MaxDequeueCount = maxDequeue,
        MinPollInterval = TimeSpan.FromMilliseconds(20), MaxPollInterval = TimeSpan.FromMilliseconds(100),
    };

    [Fact]
    public async Task Worker_BatchReceive_MetricsEqualInProcessEvaluation()
    {
        using var bed = new PipelineTestBed(azurite);
        var request = bed.Request("run-batch", bed.Objects(12));
        await bed.Services.Enqueuer.EnqueueAsync(request, null, default);

        var metrics = await EndToEndTests.RunWorkerUntilDoneAsync(bed, "run-batch", Batched(8));

        var expected = PipelineTestBed.InProcessMetrics(request);
        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(new SentenceCounts(expected.Count, expected.Count, 0, 0), metrics.Counts);
        Assert.Equal(expected.SumIntersection, metrics.CumI);
        Assert.Equal(expected.SumUnion, metrics.CumU);
        Assert.Equal(0, (await bed.Storage.ExpressionsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Worker_BatchReceiveWithFailingMessage_RetriesThenPoisonsOnlyThatMessage()
    {
        using var bed = new PipelineTestBed(azurite, new BoomSegmenterFactory());
        var objects = bed.Objects(6).ToList();
        objects[2] = objects[2] with { Sentences = [new SentenceItem(0, "boom")] };
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request("run-batch-poison", objects), null, default);
        var events = new List<WorkerEvent>();

        var metrics = await EndToEndTests.RunWorkerUntilDoneAsync(
            bed, "run-batch-poison", Batched(4, maxDequeue: 2), new SyncProgress<WorkerEvent>(e => { lock (events) { events.Add(e); } }));

        List<WorkerEvent> failing;
        lock (events)
        {
            failing = events.Where(e => e.Queue == bed.Names.ExpressionsQueue && e.Kind != WorkerEventKind.Completed).ToList();
        }
        Assert.Equal([WorkerEventKind.Retrying, WorkerEventKind.Poisoned], failing.Select(e => e.Kind));
        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(1, metrics.Counts.Failed);
        var failed = Assert.Single(await bed.RowsAsync("run-batch-poison"), r => r.GetString("Status") == SampleStatus.Failed);
        Assert.Equal(objects[2].RefId, failed.GetString("RefId"));
    }
}
