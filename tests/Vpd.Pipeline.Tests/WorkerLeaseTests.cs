using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Masks;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Worker;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class WorkerLeaseTests(AzuriteFixture azurite)
{
    /// <summary>Takes longer than the visibility timeout and counts its calls.</summary>
    private sealed class SlowSegmenterFactory(TimeSpan delay) : ISegmenterFactory
    {
        public int Calls;

        public ISegmenter Create(RunManifest manifest, string modelFile) => new Slow(this, delay);

        private sealed class Slow(SlowSegmenterFactory owner, TimeSpan delay) : ISegmenter
        {
            public IReadOnlyList<BinaryMask> Segment(
                RunManifest manifest, string imageId, RgbImage image, IReadOnlyList<string> sentences, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref owner.Calls);
                Thread.Sleep(delay);
                return new ThresholdSegmenter().Segment(manifest, imageId, image, sentences, cancellationToken);
            }
        }
    }

    [Fact]
    public async Task Worker_ProcessingLongerThanVisibilityTimeout_RenewsLeaseSoNoSecondDelivery()
    {
        var slow = new SlowSegmenterFactory(TimeSpan.FromSeconds(4));
        using var bed = new PipelineTestBed(azurite, slow);
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request("run-slow", bed.Objects(1)), null, default);
        var options = new WorkerOptions
        {
            Concurrency = 3, VisibilityTimeout = TimeSpan.FromSeconds(2),
            MinPollInterval = TimeSpan.FromMilliseconds(20), MaxPollInterval = TimeSpan.FromMilliseconds(50),
        };

        var metrics = await EndToEndTests.RunWorkerUntilDoneAsync(bed, "run-slow", options);

        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(1, slow.Calls);
    }
}
