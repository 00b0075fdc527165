using Vpd.Core.Contracts;
using Vpd.Core.Masks;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class BadInputTests(AzuriteFixture azurite)
{
    private const string Run = "run-bad";

    [Fact]
    public async Task Worker_EachBadInputClass_RecordsFailedRowsWithReasonAndKeepsGoing()
    {
        using var bed = new PipelineTestBed(azurite);
        // The run declares five objects; their inputs are then damaged in storage one way each.
        var objects = bed.Objects(5, images: 1).Select((o, i) => o with { Sentences = [new Sentence(0, i, "a"), new Sentence(1, 100 + i, "the one on the left")] }).ToList();
        objects[4] = objects[4] with { Sentences = [new Sentence(0, 4, " "), new Sentence(1, 104, "the one on the left")] };
        await bed.Enqueuer.EnqueueAsync(bed.Request(Run, objects), null, default);
        var queued = (await bed.ExpressionsQueue.ReceiveMessagesAsync(32)).Value.Select(m => ExpressionMessage.Parse(m.MessageText)).ByObject();
        await bed.ExpressionsQueue.ClearMessagesAsync();
        var inputs = bed.Container(bed.Names.InputsContainer);
        var truthBlob = (string refId) => $"{PipelineTestBed.Dataset}/truth/{PipelineTestBed.Size}/{refId}/{queued[refId].Only().TruthSha256}.png";
        await inputs.DeleteBlobAsync(truthBlob("ref1"));
        await inputs.GetBlobClient(truthBlob("ref2")).UploadAsync(new BinaryData(MaskPng.Encode(new BinaryMask(8, 8))), overwrite: true);

        var messages = new[]
        {
            queued["ref1"].ToJson(),
            queued["ref2"].ToJson(),
            (queued["ref0"].WithOnly(o => o with { Sentences = [new Sentence(0, 1, "a")] }) with { Run = "run-unknown" }).ToJson(),
            queued["ref4"].ToJson(),
            "this is not json",
            queued["ref0"].WithOnly(o => o with { RefId = "../etc" }).ToJson(),
            queued["ref0"].WithOnly(o => o with { RefId = "refdup", Sentences = [new Sentence(0, 1, "a"), new Sentence(0, 2, "b")] }).ToJson(),
            queued["ref3"].ToJson(),
        };
        foreach (var m in messages)
        {
            await bed.ExpressionsQueue.SendMessageAsync(m);
        }

        using (var cts = new CancellationTokenSource())
        {
            var worker = bed.Worker.RunAsync(cts.Token);
            await PipelineTestBed.WaitUntilAsync(async () => bed.Worker.Handled >= messages.Length && (await bed.ExpressionsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0,
                TimeSpan.FromSeconds(30), "every message handled");
            await cts.CancelAsync();
            await worker;
        }

        Assert.Equal((0L, 0L), (bed.Worker.Retried, bed.Worker.Poisoned));
        var rows = await bed.RowsAsync(Run);
        AssertFailed(rows[new("ref1", 0)], "truth mask", "ref1", "not found");
        // Replaced under its content name: the hash check refuses it.
        AssertFailed(rows[new("ref2", 1)], "truth mask", "ref2", "SHA-256");
        AssertFailed(rows[new("ref4", 0)], "sentence 0", "empty");
        Assert.Equal(SampleStatus.Succeeded, rows[new("ref4", 1)].Status);
        AssertFailed(rows[new("refdup", 0)], "malformed message", "repeated sentence index");
        Assert.Equal(SampleStatus.Succeeded, rows[new("ref3", 0)].Status);
        Assert.Equal(9, rows.Count);

        AssertFailed(Assert.Single(await bed.RowsAsync("run-unknown")).Value, "unknown run 'run-unknown'");
        var malformed = await bed.MalformedAsync();
        Assert.Equal(2, malformed.Count);
        Assert.Contains(malformed, r => r.GetString("Message") == "this is not json" && r.GetString("Error")!.Contains("malformed message"));
        Assert.Contains(malformed, r => r.GetString("Error")!.Contains("refId '../etc' is invalid"));
        var processed = bed.Logs.Named("ExpressionProcessed");
        Assert.True(processed.Any(l => l.Message.Contains("image img0 refs ref1:") && l.Message.Contains("not found")), string.Join("\n", processed.Select(l => l.Message)));
    }

    [Fact]
    public async Task Process_TruncatedJpeg_FailedRowsNamingTheImageBlob()
    {
        using var bed = new PipelineTestBed(azurite);
        var objects = bed.Objects(1);
        var whole = await File.ReadAllBytesAsync(objects[0].ImagePath);
        var truncated = bed.TempFile("truncated.jpg");
        await File.WriteAllBytesAsync(truncated, whole[..(whole.Length / 2)]);
        await bed.Enqueuer.EnqueueAsync(bed.Request(Run, [objects[0] with { ImagePath = truncated }]), null, default);
        var message = (await bed.ExpressionsQueue.ReceiveMessageAsync()).Value;

        var outcome = await bed.Processor.ProcessAsync(message.MessageText, 1, default);

        Assert.Equal(0, outcome.Succeeded);
        var row = Assert.Single(await bed.RowsAsync(Run)).Value;
        AssertFailed(row, "truncated", $"images/{objects[0].ImageId}/");
    }

    [Fact]
    public async Task Process_DatasetOtherThanRuns_FailedRowNamingBoth()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Enqueuer.EnqueueAsync(bed.Request(Run, bed.Objects(1)), null, default);
        var message = ExpressionMessage.Parse((await bed.ExpressionsQueue.ReceiveMessageAsync()).Value.MessageText) with { Dataset = "refcoco" };

        var outcome = await bed.Processor.ProcessAsync(message.ToJson(), 1, default);

        Assert.Equal(1, outcome.Failed);
        AssertFailed(Assert.Single(await bed.RowsAsync(Run)).Value, "refcoco", PipelineTestBed.Dataset);
    }

    [Fact]
    public async Task Process_ModelBlobMissing_FailedRowsNamingModel()
    {
        using var bed = new PipelineTestBed(azurite);
        var enqueued = await bed.Enqueuer.EnqueueAsync(bed.Request(Run, bed.Objects(1)), null, default);
        await bed.Container(bed.Names.ModelsContainer).DeleteBlobAsync(ModelStore.BlobName(enqueued.ModelSha256));
        var message = (await bed.ExpressionsQueue.ReceiveMessageAsync()).Value;

        await bed.Processor.ProcessAsync(message.MessageText, 1, default);

        AssertFailed(Assert.Single(await bed.RowsAsync(Run)).Value, "model", enqueued.ModelSha256, "not found");
    }

    [Fact]
    public async Task Process_ModelBlobMissingAndAnEmptySentence_OneFailedRowPerSentenceWithoutThrowing()
    {
        using var bed = new PipelineTestBed(azurite);
        var objects = bed.Objects(1).Select(o => o with { Sentences = [new Sentence(0, 1, " "), new Sentence(1, 2, "the one on the left")] }).ToList();
        var enqueued = await bed.Enqueuer.EnqueueAsync(bed.Request(Run, objects), null, default);
        await bed.Container(bed.Names.ModelsContainer).DeleteBlobAsync(ModelStore.BlobName(enqueued.ModelSha256));
        var message = (await bed.ExpressionsQueue.ReceiveMessageAsync()).Value;

        var outcome = await bed.Processor.ProcessAsync(message.MessageText, 1, default);

        Assert.Equal(2, outcome.Failed);
        var rows = await bed.RowsAsync(Run);
        Assert.Equal(2, rows.Count);
        AssertFailed(rows[new("ref0", 1)], "model", enqueued.ModelSha256, "not found");
    }

    [Fact]
    public async Task Process_StorageFailureWritingRows_ThrowsSoTheQueueRetries()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Enqueuer.EnqueueAsync(bed.Request(Run, bed.Objects(1)), null, default);
        var message = (await bed.ExpressionsQueue.ReceiveMessageAsync()).Value;
        await bed.SamplesTable.DeleteAsync();

        var e = await Assert.ThrowsAnyAsync<Azure.RequestFailedException>(() => bed.Processor.ProcessAsync(message.MessageText, 1, default));

        Assert.Equal(404, e.Status);
    }

    [Fact]
    public async Task FetchModel_ContentNotMatchingHash_ThrowsNamingBlob()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Storage.EnsureCreatedAsync();
        var claimed = new string('e', 64);
        await bed.Container(bed.Names.ModelsContainer).UploadBlobAsync(ModelStore.BlobName(claimed), new BinaryData("tampered"u8.ToArray()));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => bed.Storage.Models.FetchAsync(claimed, bed.TempFile("cache"), default));

        Assert.Contains(ModelStore.BlobName(claimed), e.Message);
        Assert.Contains("SHA-256", e.Message);
    }

    internal static void AssertFailed(SampleRow row, params string[] reasonParts)
    {
        Assert.Equal(SampleStatus.Failed, row.Status);
        Assert.NotNull(row.Error);
        foreach (var part in reasonParts)
        {
            Assert.Contains(part, row.Error, StringComparison.Ordinal);
        }
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class UndecodableMessageTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Worker_ReadableMessageNotBase64_FailedRowsSayingSoOnFirstDelivery()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-plain", bed.Objects(2)), null, default);
        var message = (await bed.ExpressionsQueue.ReceiveMessagesAsync(1)).Value[0];
        await bed.ExpressionsQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        // The same message sent as plain JSON, without the queues' base64 encoding.
        await bed.Clients.RawQueue(bed.Names.ExpressionsQueue).SendMessageAsync(message.MessageText);
        var refId = ExpressionMessage.Parse(message.MessageText).Only().RefId;

        await bed.RunWorkerUntilDoneAsync("run-plain");

        var row = (await bed.RowsAsync("run-plain"))[new SampleId(refId, 0)];
        BadInputTests.AssertFailed(row, "not base64");
        Assert.DoesNotContain("dequeue", row.Error!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, row.DequeueCount);
        Assert.Equal((0L, 0L), (bed.Worker.Retried, bed.Worker.Poisoned));
    }

    [Fact]
    public async Task Worker_UnreadableTextNotBase64_MalformedRowSayingSo()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Storage.EnsureCreatedAsync();
        await bed.Clients.RawQueue(bed.Names.ExpressionsQueue).SendMessageAsync("{plain text, not base64}");

        using (var cts = new CancellationTokenSource())
        {
            var worker = bed.Worker.RunAsync(cts.Token);
            await PipelineTestBed.WaitUntilAsync(async () => (await bed.MalformedAsync()).Count > 0, TimeSpan.FromSeconds(20), "a malformed row");
            await cts.CancelAsync();
            await worker;
        }

        var row = Assert.Single(await bed.MalformedAsync());
        Assert.Equal("{plain text, not base64}", row.GetString("Message"));
        Assert.Contains("not base64", row.GetString("Error"));
        Assert.Equal(0, (await bed.ExpressionsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }
}
