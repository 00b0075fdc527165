using Vpd.Core.Contracts;
using Vpd.Core.Masks;
using Vpd.Pipeline.Enqueue;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

/// <summary>
/// One vpd-expressions message per image: the queue holds images, not objects, so a run of N sentences costs the
/// storage N / (sentences per image) queue operations; each object of a message still fails or succeeds on its own.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ImageMessagesTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Enqueue_ObjectsOverTwoImages_OneMessagePerImageWithEachObjectsAttentionChoice()
    {
        using var bed = new PipelineTestBed(azurite);
        var objects = bed.Objects(6, images: 2);
        var request = bed.Request("run-images", objects);
        request = request with { Settings = request.Settings with { Attention = "every:2" } };

        var result = await bed.Enqueuer.EnqueueAsync(request, null, default);

        var messages = (await bed.ExpressionsQueue.ReceiveMessagesAsync(32)).Value.Select(m => ExpressionMessage.Parse(m.MessageText)).OrderBy(m => m.ImageId).ToList();
        Assert.Equal(["img0", "img1"], messages.Select(m => m.ImageId));
        Assert.Equal(["ref0", "ref2", "ref4"], messages[0].Objects.Select(o => o.RefId));
        Assert.Equal(["ref1", "ref3", "ref5"], messages[1].Objects.Select(o => o.RefId));
        // every:2 picks objects 0, 2, 4 of the run: all of img0's, none of img1's.
        Assert.All(messages[0].Objects, o => Assert.True(o.StoreAttention));
        Assert.All(messages[1].Objects, o => Assert.False(o.StoreAttention));
        Assert.Equal(objects.Select(o => o.Sentences), messages.SelectMany(m => m.Objects).OrderBy(o => o.RefId).Select(o => o.Sentences));
        Assert.Equal((6, 0), (result.ObjectsEnqueued, result.ObjectsSkipped));
    }

    [Fact]
    public void MessagesFor_MoreObjectsThanAMessageHolds_SplitInOrder()
    {
        var objects = Enumerable.Range(0, ExpressionMessage.MaxObjects + 4)
            .Select(i => new MessageObject { RefId = $"r{i}", TruthSha256 = new string('b', 64), Sentences = [new Sentence(0, i, "x")] }).ToList();

        var messages = RunEnqueuer.MessagesFor("run", "refshapes", "img", new string('a', 64), objects).ToList();

        Assert.Equal([ExpressionMessage.MaxObjects, 4], messages.Select(m => m.Objects.Count));
        Assert.Equal(objects.Select(o => o.RefId), messages.SelectMany(m => m.Objects).Select(o => o.RefId));
        Assert.All(messages, m => m.Validate());
    }

    [Fact]
    public void MessagesFor_LongSentences_KeepsEachMessageUnderTheSizeBound()
    {
        var text = new string('w', 3_000);
        var objects = Enumerable.Range(0, 12)
            .Select(i => new MessageObject { RefId = $"r{i}", TruthSha256 = new string('b', 64), Sentences = [new Sentence(0, i, text)] }).ToList();

        var messages = RunEnqueuer.MessagesFor("run", "refshapes", "img", new string('a', 64), objects).ToList();

        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.InRange(m.ToJson().Length, 1, RunEnqueuer.MaxMessageChars));
        Assert.Equal(12, messages.Sum(m => m.Objects.Count));
    }

    [Fact]
    public async Task Process_OneObjectsTruthDamaged_OnlyThatObjectFailsTheOthersSucceed()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-shared", bed.Objects(3, images: 1)), null, default);
        var message = ExpressionMessage.Parse((await bed.ExpressionsQueue.ReceiveMessageAsync()).Value.MessageText);
        var damaged = message.Objects.Single(o => o.RefId == "ref1");
        await bed.Container(bed.Names.InputsContainer)
            .GetBlobClient($"{PipelineTestBed.Dataset}/truth/{PipelineTestBed.Size}/ref1/{damaged.TruthSha256}.png")
            .UploadAsync(new BinaryData(MaskPng.Encode(new BinaryMask(8, 8))), overwrite: true);

        var outcome = await bed.Processor.ProcessAsync(message, 1, default);

        var rows = await bed.RowsAsync("run-shared");
        Assert.Equal(message.AllSentences().Count(), rows.Count);
        Assert.All(rows.Values.Where(r => r.Id.RefId == "ref1"), r => BadInputTests.AssertFailed(r, "truth mask", "ref1"));
        Assert.All(rows.Values.Where(r => r.Id.RefId != "ref1"), r => Assert.Equal(SampleStatus.Succeeded, r.Status));
        Assert.Equal(damaged.Sentences.Count, outcome.Failed);
    }
}
