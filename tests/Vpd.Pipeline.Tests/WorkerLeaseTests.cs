using Vpd.Core.Contracts;
using Vpd.Pipeline.Hosting;
using Vpd.Pipeline.Segmentation;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class WorkerLeaseTests(AzuriteFixture azurite)
{
    /// <summary>Takes longer than the lease and counts its calls.</summary>
    private sealed class SlowSegmenterFactory(TimeSpan delay) : ISegmenterFactory
    {
        public int Calls;

        public ISegmenter Create(RunManifest manifest, string modelFile, HostSettings host) => new Slow(this, delay);

        private sealed class Slow(SlowSegmenterFactory owner, TimeSpan delay) : ISegmenter
        {
            public IReadOnlyList<SegmentedSentence> Segment(
                RunManifest manifest, ImageInput image, IReadOnlyList<Sentence> sentences, bool withAttention, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref owner.Calls);
                Thread.Sleep(delay);
                return new ThresholdSegmenter().Segment(manifest, image, sentences, withAttention, cancellationToken);
            }
        }
    }

    [Fact]
    public async Task Worker_ProcessingLongerThanItsLease_RenewsLeaseSoNoSecondDelivery()
    {
        var slow = new SlowSegmenterFactory(TimeSpan.FromSeconds(4));
        using var bed = new PipelineTestBed(azurite, slow, worker: PipelineTestBed.FastWorker with { LeaseDuration = TimeSpan.FromSeconds(2) });
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-slow", bed.Objects(1)), null, default);

        var metrics = await bed.RunWorkerUntilDoneAsync("run-slow");

        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(1, slow.Calls);
    }
}
