using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

/// <summary>Inputs are named by what they are, so no run can change another run's inputs; the decoded-image cache is bounded.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class InputsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task TwoRunsOfOneDatasetAtTwoSizes_Interleaved_BothCompleteWithoutFailure()
    {
        using var bed = new PipelineTestBed(azurite);
        var small = bed.Objects(4, images: 2, size: 16);
        var large = small.Select((o, i) => o with { Truth = PipelineTestBed.Truth(i, 24) }).ToList();
        // The first run is pending when the second, of the same objects at another size, is enqueued.
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-16", small, size: 16), null, default);
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-24", large, size: 24), null, default);

        var first = await bed.RunWorkerUntilDoneAsync("run-16");
        var second = await bed.RunWorkerUntilDoneAsync("run-24");

        Assert.Equal((RunState.Complete, 0L), (first.State, first.Counts.Failed));
        Assert.Equal((RunState.Complete, 0L), (second.State, second.Counts.Failed));
        Assert.Equal(PipelineTestBed.InProcessMetrics(bed.Request("run-24", large, size: 24)).SumIntersection, second.CumI);
    }

    [Fact]
    public async Task Enqueue_ImageFileChangedBetweenRuns_PendingRunKeepsItsImage()
    {
        using var bed = new PipelineTestBed(azurite);
        var objects = bed.Objects(2, images: 1);
        var before = bed.Request("run-before", objects);
        await bed.Enqueuer.EnqueueAsync(before, null, default);
        var original = await File.ReadAllBytesAsync(objects[0].ImagePath);
        File.Copy(bed.WriteImage(7), objects[0].ImagePath, overwrite: true);
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-after", objects), null, default);

        var metrics = await bed.RunWorkerUntilDoneAsync("run-before");

        Assert.Equal((RunState.Complete, 0L), (metrics.State, metrics.Counts.Failed));
        var expectedFirst = ThresholdOf(original, objects);
        Assert.Equal(expectedFirst, metrics.CumI);
        Assert.NotEqual(expectedFirst, ThresholdOf(await File.ReadAllBytesAsync(objects[0].ImagePath), objects));
    }

    [Fact]
    public async Task Enqueue_Messages_NameInputsWhoseBytesHashToThem()
    {
        using var bed = new PipelineTestBed(azurite);
        var objects = bed.Objects(4, images: 2);
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-hashes", objects), null, default);

        var messages = (await bed.ExpressionsQueue.ReceiveMessagesAsync(10)).Value.Select(m => ExpressionMessage.Parse(m.MessageText)).ToList();

        Assert.Equal(2, messages.Count);
        foreach (var (message, o) in messages.SelectMany(m => m.Objects.Select(o => (m, o))))
        {
            var image = await bed.Storage.Inputs.ReadImageAsync(PipelineTestBed.Dataset, message.ImageId, message.ImageSha256, default);
            var truth = await bed.Storage.Inputs.ReadTruthAsync(PipelineTestBed.Dataset, PipelineTestBed.Size, o.RefId, o.TruthSha256, default);
            var source = objects.Single(s => s.RefId == o.RefId);
            Assert.Equal(source.ImageId, message.ImageId);
            Assert.Equal(ImageFiles.LoadRgb(source.ImagePath).Pixels, image.Pixels);
            Assert.Equal(source.Truth.Pixels, truth.Pixels);
        }
    }

    [Fact]
    public async Task Process_SecondObjectOfAnImage_UsesTheCachedImageWithoutReadingItAgain()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-cache", bed.Objects(2, images: 1)), null, default);
        // Split in two, as an image with more objects than one message holds is.
        var split = new[] { ExpressionMessage.Parse((await bed.ExpressionsQueue.ReceiveMessageAsync()).Value.MessageText) }.ByObject();
        var (first, second) = (split["ref0"], split["ref1"]);

        await bed.Processor.ProcessAsync(first, 1, default);
        // Gone from storage: the second object can only succeed from the cache, which the content name makes safe.
        await bed.Container(bed.Names.InputsContainer).DeleteBlobAsync($"{PipelineTestBed.Dataset}/images/img0/{first.ImageSha256}");
        var outcome = await bed.Processor.ProcessAsync(second, 1, default);

        Assert.Equal(0, outcome.Failed);
        Assert.All((await bed.RowsAsync("run-cache")).Values, r => Assert.Equal(SampleStatus.Succeeded, r.Status));
    }

    [Fact]
    public async Task ImageCache_BoundedByBytes_HoldsAtMostItsBudgetAndSkipsLargerImages()
    {
        // Images of 24x20 .. 44x32 RGB: 1,440 .. 4,224 bytes each; a budget of 6,000 bytes holds two at most.
        using var bed = new PipelineTestBed(azurite, decodedImageCacheBytes: 6_000);
        var objects = bed.Objects(5, images: 5);
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-budget", objects), null, default);
        var messages = (await bed.ExpressionsQueue.ReceiveMessagesAsync(10)).Value.Select(m => ExpressionMessage.Parse(m.MessageText)).ToList();

        var sizes = new List<long>();
        foreach (var message in messages)
        {
            await bed.Storage.Inputs.ReadImageAsync(PipelineTestBed.Dataset, message.ImageId, message.ImageSha256, default);
            sizes.Add(bed.Storage.Inputs.CachedImageBytes);
        }

        Assert.All(sizes, bytes => Assert.InRange(bytes, 1, 6_000));
        Assert.InRange(bed.Storage.Inputs.CachedImages, 1, 2);
        using var tiny = new PipelineTestBed(azurite, decodedImageCacheBytes: 100);
        await tiny.Enqueuer.EnqueueAsync(tiny.Request("run-tiny", tiny.Objects(1)), null, default);
        var only = ExpressionMessage.Parse((await tiny.ExpressionsQueue.ReceiveMessageAsync()).Value.MessageText);
        await tiny.Storage.Inputs.ReadImageAsync(PipelineTestBed.Dataset, only.ImageId, only.ImageSha256, default);
        Assert.Equal(0, tiny.Storage.Inputs.CachedImageBytes);
    }

    private static long ThresholdOf(byte[] imageBytes, IReadOnlyList<Vpd.Pipeline.Enqueue.ReferredObject> objects)
    {
        var image = ImageFiles.DecodeRgb(imageBytes, "image");
        return objects.Sum(o => Vpd.Pipeline.Segmentation.ThresholdSegmenter.Masks(image, PipelineTestBed.Size, o.Sentences.Select(s => s.Text))
            .Sum(mask => Vpd.Core.Metrics.IouCounts.Compute(mask, o.Truth).Intersection));
    }
}
