using Azure.Data.Tables;
using Vpd.Core.Contracts;
using Vpd.Core.Masks;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class BadInputTests(AzuriteFixture azurite)
{
    private const string Run = "run-bad";

    private static string Message(string run, string refId, string imageId, params string[] sentences) => new ExpressionMessage
    {
        Run = run, Dataset = PipelineTestBed.Dataset, RefId = refId, ImageId = imageId,
        Sentences = sentences.Select((text, k) => new SentenceItem(k, text)).ToList(),
    }.ToJson();

    [Fact]
    public async Task Worker_EachBadInputClass_RecordsOneFailedRowWithReasonAndKeepsGoing()
    {
        using var bed = new PipelineTestBed(azurite);
        var good = bed.Objects(1);
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request(Run, good), null, default);
        var goodMessage = (await bed.Storage.ExpressionsQueue.ReceiveMessageAsync()).Value;
        await bed.Storage.ExpressionsQueue.DeleteMessageAsync(goodMessage.MessageId, goodMessage.PopReceipt);
        var truth = new BinaryData(MaskPng.Encode(new BinaryMask(PipelineTestBed.Size, PipelineTestBed.Size)));
        foreach (var refId in new[] { "refnoimage", "refbadimage", "refempty" })
        {
            await bed.Storage.Inputs.UploadBlobAsync(StorageLayout.TruthBlob(PipelineTestBed.Dataset, refId), truth);
        }
        await bed.Storage.Inputs.UploadBlobAsync(StorageLayout.ImageBlob(PipelineTestBed.Dataset, "badimage"), new BinaryData("not a jpeg"u8.ToArray()));
        await bed.Storage.Inputs.UploadBlobAsync(
            StorageLayout.TruthBlob(PipelineTestBed.Dataset, "refbadtruth"), new BinaryData(MaskPng.Encode(new BinaryMask(8, 8))));

        var messages = new[]
        {
            Message(Run, "refnoimage", "nosuchimage", "a"),
            Message(Run, "refbadimage", "badimage", "a"),
            Message(Run, "refnotruth", "img0", "a"),
            Message(Run, "refbadtruth", "img0", "a"),
            Message("run-unknown", "ref0", "img0", "a"),
            Message(Run, "refempty", "img0", " ", "the one on the left"),
            "this is not json",
            "{\"run\":\"run-bad\",\"dataset\":\"refshapes\",\"refId\":\"../etc\",\"imageId\":\"img0\",\"sentences\":[{\"index\":0,\"text\":\"a\"}]}",
            "{\"run\":\"run-bad\",\"dataset\":\"refshapes\",\"refId\":\"refdup\",\"imageId\":\"img0\",\"sentences\":[{\"index\":0,\"text\":\"a\"},{\"index\":0,\"text\":\"b\"}]}",
            goodMessage.MessageText,
        };
        foreach (var m in messages)
        {
            await bed.Storage.ExpressionsQueue.SendMessageAsync(m);
        }

        var events = new List<WorkerEvent>();
        using (var cts = new CancellationTokenSource())
        {
            var worker = bed.Services.CreateWorker(new WorkerOptions { Concurrency = 2, MinPollInterval = TimeSpan.FromMilliseconds(20), MaxPollInterval = TimeSpan.FromMilliseconds(100) },
                new SyncProgress<WorkerEvent>(events.Add)).RunAsync(cts.Token);
            await PipelineTestBed.WaitUntilAsync(
                () => Task.FromResult(events.Count(e => e.Queue == bed.Names.ExpressionsQueue) >= messages.Length),
                TimeSpan.FromSeconds(30), "every message handled");
            await cts.CancelAsync();
            await worker;
        }

        Assert.All(events.Where(e => e.Queue == bed.Names.ExpressionsQueue), e => Assert.Equal(WorkerEventKind.Completed, e.Kind));
        var rows = (await bed.RowsAsync(Run)).ToDictionary(r => r.RowKey);
        AssertFailed(rows["refnoimage-0"], "image", "nosuchimage.jpg", "not found");
        AssertFailed(rows["refbadimage-0"], "image", "badimage.jpg", "not");
        AssertFailed(rows["refnotruth-0"], "truth", "refnotruth.png", "not found");
        AssertFailed(rows["refbadtruth-0"], "refbadtruth.png", "8x8", $"{PipelineTestBed.Size}x{PipelineTestBed.Size}");
        AssertFailed(rows["refempty-0"], "sentence 0", "empty");
        Assert.Equal(SampleStatus.Succeeded, rows["refempty-1"].GetString("Status"));
        AssertFailed(rows["refdup-0"], "malformed message", "repeated sentence index");
        Assert.Equal(SampleStatus.Succeeded, rows["ref0-0"].GetString("Status"));
        Assert.Equal(8, rows.Count);

        var unknown = Assert.Single(await bed.RowsAsync("run-unknown"));
        AssertFailed(unknown, "unknown run 'run-unknown'");
        var malformed = await bed.RowsAsync(StorageLayout.MalformedPartition);
        Assert.Equal(2, malformed.Count);
        Assert.Contains(malformed, r => r.GetString("Message") == "this is not json" && r.GetString("Error")!.Contains("malformed message"));
        Assert.Contains(malformed, r => r.GetString("Error")!.Contains("refId '../etc' is invalid"));
        Assert.Equal(0, (await bed.Storage.ExpressionsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.False(await bed.Storage.ExpressionsPoisonQueue.ExistsAsync() &&
                     (await bed.Storage.ExpressionsPoisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0);
    }

    [Fact]
    public async Task Process_DatasetOtherThanRuns_FailedRowNamingBoth()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request(Run, bed.Objects(1)), null, default);
        var json = new ExpressionMessage
        {
            Run = Run, Dataset = "refcoco", RefId = "ref0", ImageId = "img0", Sentences = [new SentenceItem(0, "a")],
        }.ToJson();

        var outcome = await bed.Services.Processor.ProcessAsync(json, 1, default);

        Assert.Equal(new ProcessOutcome(0, 1, outcome.Error), outcome);
        AssertFailed(Assert.Single(await bed.RowsAsync(Run)), "refcoco", PipelineTestBed.Dataset);
    }

    [Fact]
    public async Task Process_ModelBlobMissing_FailedRowsNamingModel()
    {
        using var bed = new PipelineTestBed(azurite);
        var enqueued = await bed.Services.Enqueuer.EnqueueAsync(bed.Request(Run, bed.Objects(1)), null, default);
        await bed.Storage.Models.DeleteBlobAsync(StorageLayout.ModelBlob(enqueued.ModelSha256));
        var message = (await bed.Storage.ExpressionsQueue.ReceiveMessageAsync()).Value;

        await bed.Services.Processor.ProcessAsync(message.MessageText, 1, default);

        AssertFailed(Assert.Single(await bed.RowsAsync(Run)), "model blob", enqueued.ModelSha256, "not found");
    }

    [Fact]
    public async Task Process_StorageFailureWritingRows_ThrowsSoTheQueueRetries()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Services.Enqueuer.EnqueueAsync(bed.Request(Run, bed.Objects(1)), null, default);
        var message = (await bed.Storage.ExpressionsQueue.ReceiveMessageAsync()).Value;
        await bed.Storage.Samples.DeleteAsync();

        var e = await Assert.ThrowsAnyAsync<Azure.RequestFailedException>(
            () => bed.Services.Processor.ProcessAsync(message.MessageText, 1, default));

        Assert.Equal(404, e.Status);
    }

    [Fact]
    public async Task FetchModel_ContentNotMatchingHash_ThrowsNamingBlob()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Storage.EnsureCreatedAsync();
        var claimed = new string('e', 64);
        await bed.Storage.Models.UploadBlobAsync(StorageLayout.ModelBlob(claimed), new BinaryData("tampered"u8.ToArray()));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => bed.Services.Models.FetchAsync(claimed, default));

        Assert.Contains(StorageLayout.ModelBlob(claimed), e.Message);
        Assert.Contains("SHA-256", e.Message);
    }

    private static void AssertFailed(TableEntity row, params string[] reasonParts)
    {
        Assert.Equal(SampleStatus.Failed, row.GetString("Status"));
        var error = row.GetString("Error");
        Assert.NotNull(error);
        foreach (var part in reasonParts)
        {
            Assert.Contains(part, error, StringComparison.Ordinal);
        }
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class UndecodableMessageTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Worker_MessageNotBase64_MovedToPoisonAndRecordedAsMalformed()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Storage.EnsureCreatedAsync();
        var plain = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, bed.Names.ExpressionsQueue);
        await plain.SendMessageAsync("{plain text, not base64}");

        using (var cts = new CancellationTokenSource())
        {
            var worker = bed.Services.CreateWorker(new Vpd.Pipeline.Worker.WorkerOptions
            {
                MinPollInterval = TimeSpan.FromMilliseconds(20), MaxPollInterval = TimeSpan.FromMilliseconds(100),
            }).RunAsync(cts.Token);
            await PipelineTestBed.WaitUntilAsync(
                async () => (await bed.RowsAsync(StorageLayout.MalformedPartition)).Count > 0, TimeSpan.FromSeconds(20), "a malformed row");
            await cts.CancelAsync();
            await worker;
        }

        var row = Assert.Single(await bed.RowsAsync(StorageLayout.MalformedPartition));
        Assert.Equal("{plain text, not base64}", row.GetString("Message"));
        Assert.Contains("exceeded max dequeue count", row.GetString("Error"));
        Assert.Equal(0, (await bed.Storage.ExpressionsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }
}
