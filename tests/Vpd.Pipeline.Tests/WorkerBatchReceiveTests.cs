using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

/// <summary><see cref="WorkerOptions.ReceiveBatchSize"/> above 1: same results and the same retry and poison semantics.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WorkerBatchReceiveTests(AzuriteFixture azurite)
{
    private static WorkerOptions Batched(int batch, int maxDequeue = 5) => PipelineTestBed.FastWorker with
    {
        Concurrency = 2,
        ReceiveBatchSize = batch,
        Queues = PipelineTestBed.FastWorker.Queues with { MaxDequeueCount = maxDequeue },
    };

    [Fact]
    public async Task Worker_BatchReceive_MetricsEqualInProcessEvaluation()
    {
        using var bed = new PipelineTestBed(azurite, worker: Batched(8));
        var request = bed.Request("run-batch", bed.Objects(12));
        await bed.Enqueuer.EnqueueAsync(request, null, default);

        var metrics = await bed.RunWorkerUntilDoneAsync("run-batch");

        var expected = PipelineTestBed.InProcessMetrics(request);
        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(new SentenceCounts(expected.Count, expected.Count, 0, 0, 0), metrics.Counts);
        Assert.Equal(expected.SumIntersection, metrics.CumI);
        Assert.Equal(expected.SumUnion, metrics.CumU);
        Assert.Equal(0, (await bed.ExpressionsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Worker_BatchReceiveWithFailingMessage_RetriesThenPoisonsOnlyThatMessage()
    {
        using var bed = new PipelineTestBed(azurite, new FaultySegmenterFactory(), worker: Batched(4, maxDequeue: 2));
        var objects = bed.Objects(6).ToList();
        objects[2] = objects[2] with { Sentences = [new Sentence(0, 1, "boom")] };
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-batch-poison", objects), null, default);

        var metrics = await bed.RunWorkerUntilDoneAsync("run-batch-poison");

        Assert.Equal((1L, 1L), (bed.Worker.Retried, bed.Worker.Poisoned));
        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(1, metrics.Counts.Failed);
        var failed = Assert.Single((await bed.RowsAsync("run-batch-poison")).Values, r => r.Status == SampleStatus.Failed);
        Assert.Equal(objects[2].RefId, failed.Id.RefId);
    }
}
