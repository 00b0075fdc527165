using System.Security.Cryptography;
using Azure.Storage.Queues.Models;
using Vpd.Core.Contracts;
using Vpd.Core.Masks;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

/// <summary>The input hashes messages carry: checked on read, and the key of the worker's image cache.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class InputIntegrityTests(AzuriteFixture azurite)
{
    private const string Run = "run-inputs";

    [Fact]
    public async Task Enqueue_Messages_CarryTheStoredInputsHashes()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request(Run, bed.Objects(4, images: 2)), null, default);

        var messages = (await bed.Storage.ExpressionsQueue.ReceiveMessagesAsync(10)).Value;

        Assert.Equal(4, messages.Length);
        foreach (var message in messages.Select(m => ExpressionMessage.Parse(m.MessageText)))
        {
            Assert.Equal(await StoredSha256Async(bed, StorageLayout.ImageBlob(PipelineTestBed.Dataset, message.ImageId)), message.ImageSha256);
            Assert.Equal(await StoredSha256Async(bed, StorageLayout.TruthBlob(PipelineTestBed.Dataset, message.RefId)), message.TruthSha256);
        }
    }

    [Fact]
    public async Task Process_ImageReplacedAfterEnqueue_FailedRowSayingItChanged()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request(Run, bed.Objects(1)), null, default);
        var other = await File.ReadAllBytesAsync(bed.WriteImage(5));
        await bed.Storage.Inputs.GetBlobClient(StorageLayout.ImageBlob(PipelineTestBed.Dataset, "img0")).UploadAsync(new BinaryData(other), overwrite: true);

        var outcome = await bed.Services.Processor.ProcessAsync((await ReceiveAsync(bed)).MessageText, 1, default);

        Assert.Equal(1, outcome.Failed);
        var row = Assert.Single(await bed.RowsAsync(Run));
        Assert.Equal(SampleStatus.Failed, row.GetString("Status"));
        Assert.Contains("image", row.GetString("Error"));
        Assert.Contains("img0.jpg changed since the run was enqueued", row.GetString("Error"));
    }

    [Fact]
    public async Task Process_TruthReplacedAfterEnqueue_FailedRowSayingItChanged()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request(Run, bed.Objects(1)), null, default);
        var blank = MaskPng.Encode(new BinaryMask(PipelineTestBed.Size, PipelineTestBed.Size));
        await bed.Storage.Inputs.GetBlobClient(StorageLayout.TruthBlob(PipelineTestBed.Dataset, "ref0")).UploadAsync(new BinaryData(blank), overwrite: true);

        await bed.Services.Processor.ProcessAsync((await ReceiveAsync(bed)).MessageText, 1, default);

        var row = Assert.Single(await bed.RowsAsync(Run));
        Assert.Equal(SampleStatus.Failed, row.GetString("Status"));
        Assert.Contains("truth mask", row.GetString("Error"));
        Assert.Contains("ref0.png changed since the run was enqueued", row.GetString("Error"));
    }

    [Fact]
    public async Task Process_SecondObjectOfAnImage_UsesTheCachedImageWithoutReadingItAgain()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request(Run, bed.Objects(2, images: 1)), null, default);
        var first = await ReceiveAsync(bed);
        var second = await ReceiveAsync(bed);

        await bed.Services.Processor.ProcessAsync(first.MessageText, 1, default);
        // Gone from storage: the second object can only succeed from the cache, which the hash makes safe.
        await bed.Storage.Inputs.DeleteBlobAsync(StorageLayout.ImageBlob(PipelineTestBed.Dataset, "img0"));
        var outcome = await bed.Services.Processor.ProcessAsync(second.MessageText, 1, default);

        Assert.Equal(0, outcome.Failed);
        Assert.All(await bed.RowsAsync(Run), r => Assert.Equal(SampleStatus.Succeeded, r.GetString("Status")));
    }

    [Fact]
    public async Task Process_MessageWithoutHashes_ReadsTheImageEveryTime()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request(Run, bed.Objects(2, images: 1)), null, default);
        var first = ExpressionMessage.Parse((await ReceiveAsync(bed)).MessageText) with { ImageSha256 = null, TruthSha256 = null };
        var second = ExpressionMessage.Parse((await ReceiveAsync(bed)).MessageText) with { ImageSha256 = null, TruthSha256 = null };

        await bed.Services.Processor.ProcessAsync(first.ToJson(), 1, default);
        await bed.Storage.Inputs.DeleteBlobAsync(StorageLayout.ImageBlob(PipelineTestBed.Dataset, "img0"));
        await bed.Services.Processor.ProcessAsync(second.ToJson(), 1, default);

        var rows = (await bed.RowsAsync(Run)).ToDictionary(r => r.RowKey);
        Assert.Equal(SampleStatus.Succeeded, rows["ref0-0"].GetString("Status"));
        Assert.Equal(SampleStatus.Failed, rows["ref1-0"].GetString("Status"));
        Assert.Contains("not found", rows["ref1-0"].GetString("Error"));
    }

    [Fact]
    public void Parse_HashNotSha256_InvalidIdNamingTheField()
    {
        var json = new ExpressionMessage
        {
            Run = Run, Dataset = PipelineTestBed.Dataset, RefId = "ref0", ImageId = "img0", Sentences = [new SentenceItem(0, "a")],
            ImageSha256 = "ABC",
        }.ToJson();

        var e = Assert.Throws<InvalidIdException>(() => ExpressionMessage.Parse(json));

        Assert.Contains("imageSha256", e.Message);
    }

    private static async Task<QueueMessage> ReceiveAsync(PipelineTestBed bed) =>
        (await bed.Storage.ExpressionsQueue.ReceiveMessageAsync()).Value;

    private static async Task<string> StoredSha256Async(PipelineTestBed bed, string blobName)
    {
        var bytes = (await bed.Storage.Inputs.GetBlobClient(blobName).DownloadContentAsync()).Value.Content.ToArray();
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
