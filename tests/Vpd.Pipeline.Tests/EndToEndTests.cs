using Vpd.Core.Contracts;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class EndToEndTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Worker_EnqueuedRun_MetricsEqualInProcessEvaluation()
    {
        using var bed = new PipelineTestBed(azurite);
        var request = bed.Request("run-e2e", bed.Objects(7));
        var enqueued = await bed.Enqueuer.EnqueueAsync(request, null, default);

        var metrics = await bed.RunWorkerUntilDoneAsync("run-e2e");

        var expected = PipelineTestBed.InProcessMetrics(request);
        // Non-trivial masks, so that a mix-up of masks, truths or sentences would change the numbers.
        Assert.InRange(expected.OverallIou, 0.05, 0.95);
        Assert.NotEqual(expected.Precision(0), expected.Precision(4));
        Assert.Equal(7, enqueued.ObjectsEnqueued);
        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(new SentenceCounts(expected.Count, expected.Count, 0, 0, 0), metrics.Counts);
        Assert.Equal(expected.OverallIou, metrics.OverallIou);
        Assert.Equal(expected.MeanIou, metrics.MeanIou);
        Assert.Equal(expected.SumIntersection, metrics.CumI);
        Assert.Equal(expected.SumUnion, metrics.CumU);
        Assert.Equal(expected.PrecisionByThreshold(), metrics.Precision);
        Assert.Equal(enqueued.ManifestSha256, metrics.ManifestSha256);
        Assert.NotNull(metrics.CompletedUtc);
        // One model load for the whole run, whatever the number of messages and workers, and a line saying so.
        Assert.Equal(1, ((ThresholdSegmenter.Factory)bed.Segmenters).Created);
        var loaded = Assert.Single(bed.Logs.Named("ModelLoaded"));
        Assert.Equal(enqueued.ModelSha256, loaded.Values["ModelSha256"]);
        // One structured line per message: what an operator sees of each object on Azure.
        var processed = bed.Logs.Named("ExpressionProcessed");
        Assert.Equal(7, processed.Count);
        Assert.All(processed, l => Assert.Equal(("run-e2e", 0), ((string)l.Values["Run"]!, (int)l.Values["Failed"]!)));
        Assert.Equal(request.Objects.Select(o => o.ImageId).Order(), processed.Select(l => (string)l.Values["ImageId"]!).Order());
        Assert.Equal(request.Objects.Select(o => o.RefId).Order(), processed.Select(l => (string)l.Values["RefIds"]!).Order());
    }

    [Fact]
    public async Task Worker_EnqueuedRun_RowsCarryWhatACaptionNeeds()
    {
        using var bed = new PipelineTestBed(azurite);
        var objects = bed.Objects(3);
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-rows", objects), null, default);

        await bed.RunWorkerUntilDoneAsync("run-rows");

        var rows = await bed.RowsAsync("run-rows");
        foreach (var o in objects)
        {
            foreach (var sentence in o.Sentences)
            {
                var row = rows[new SampleId(o.RefId, sentence.Index)];
                Assert.Equal(SampleStatus.Succeeded, row.Status);
                Assert.Equal((sentence.SentId, sentence.Text, o.ImageId), (row.SentId, row.Text, row.ImageId));
                Assert.Equal("cpu", row.Device);
                Assert.Equal(1, row.DequeueCount);
            }
        }
    }

    [Fact]
    public async Task Worker_EnqueuedRun_WritesEveryMaskAtEvaluationSize()
    {
        using var bed = new PipelineTestBed(azurite);
        var request = bed.Request("run-masks", bed.Objects(4));
        await bed.Enqueuer.EnqueueAsync(request, null, default);

        await bed.RunWorkerUntilDoneAsync("run-masks");

        foreach (var (o, masks, _) in PipelineTestBed.InProcessMasks(request))
        {
            for (var k = 0; k < masks.Count; k++)
            {
                var stored = await bed.Storage.Runs.ReadMaskAsync("run-masks", new SampleId(o.RefId, o.Sentences[k].Index), PipelineTestBed.Size, default);
                Assert.Equal(masks[k].Pixels, stored.Pixels);
            }
        }
    }

    [Fact]
    public async Task Process_EveryMessageDeliveredTwice_SameRowsAndMetrics()
    {
        using var bed = new PipelineTestBed(azurite);
        var request = bed.Request("run-twice", bed.Objects(6));
        await bed.Enqueuer.EnqueueAsync(request, null, default);
        var messages = (await bed.ExpressionsQueue.ReceiveMessagesAsync(32)).Value;
        Assert.Equal(6, messages.Length);

        foreach (var m in messages)
        {
            await bed.Processor.ProcessAsync(m.MessageText, 1, default);
        }
        var first = Summarise(await bed.RowsAsync("run-twice"));
        foreach (var m in messages.Reverse())
        {
            await bed.Processor.ProcessAsync(m.MessageText, 2, default);
        }
        var second = Summarise(await bed.RowsAsync("run-twice"));
        var outcome = await bed.Aggregator.CheckAsync(new AggregateMessage { Run = "run-twice" }, default);

        var expected = PipelineTestBed.InProcessMetrics(request);
        Assert.Equal(expected.Count, first.Count);
        Assert.Equal(first, second);
        Assert.True(outcome.IsComplete);
        Assert.Null(outcome.Next);
        Assert.Equal(expected.OverallIou, outcome.Metrics.OverallIou);
        Assert.Equal(expected.MeanIou, outcome.Metrics.MeanIou);
        Assert.Equal(expected.PrecisionByThreshold(), outcome.Metrics.Precision);
    }

    [Fact]
    public async Task Worker_KilledMidMessage_AnotherWorkerFinishesWithOneRowPerSentence()
    {
        using var bed = new PipelineTestBed(azurite);
        var request = bed.Request("run-killed", bed.Objects(4));
        await bed.Enqueuer.EnqueueAsync(request, null, default);
        // A worker that dies holds its messages until their visibility timeout ends: two it took and never
        // touched, two it finished writing but never deleted (killed between the writes and the delete).
        var taken = (await bed.ExpressionsQueue.ReceiveMessagesAsync(4, TimeSpan.FromSeconds(2))).Value;
        Assert.Equal(4, taken.Length);
        foreach (var m in taken.Take(2))
        {
            await bed.Processor.ProcessAsync(m.MessageText, m.DequeueCount, default);
        }

        var metrics = await bed.RunWorkerUntilDoneAsync("run-killed");

        var expected = PipelineTestBed.InProcessMetrics(request);
        Assert.Equal(expected.Count, (await bed.RowsAsync("run-killed")).Count);
        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(expected.Count, metrics.Counts.Succeeded);
        Assert.Equal(expected.OverallIou, metrics.OverallIou);
        Assert.Equal(expected.MeanIou, metrics.MeanIou);
        Assert.Equal(0, (await bed.ExpressionsQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Enqueue_WireFormat_IsBase64Json()
    {
        using var bed = new PipelineTestBed(azurite);
        var objects = bed.Objects(1);
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-wire", objects), null, default);

        // A client without base64 decoding sees the raw text on the wire.
        var onWire = (await bed.Clients.RawQueue(bed.Names.ExpressionsQueue).PeekMessageAsync()).Value.Body.ToString();

        var message = ExpressionMessage.Parse(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(onWire)));
        Assert.Equal("run-wire", message.Run);
        Assert.Equal(objects[0].RefId, message.Only().RefId);
        Assert.Equal(objects[0].Sentences, message.Only().Sentences);
    }

    [Fact]
    public async Task Enqueue_SameRunAgain_RequeuesExactlyTheSentencesWithoutRows()
    {
        using var bed = new PipelineTestBed(azurite);
        var request = bed.Request("run-again", bed.Objects(5));
        var first = await bed.Enqueuer.EnqueueAsync(request, null, default);
        var messages = (await bed.ExpressionsQueue.ReceiveMessagesAsync(32)).Value
            .Select(m => (Queued: m, Message: ExpressionMessage.Parse(m.MessageText))).OrderBy(m => m.Message.Only().RefId).ToList();
        // ref0 and ref2 processed; every message then lost; one of ref2's rows lost too.
        foreach (var (queued, _) in messages.Where(m => m.Message.Only().RefId is "ref0" or "ref2"))
        {
            await bed.Processor.ProcessAsync(queued.MessageText, 1, default);
        }
        foreach (var (queued, _) in messages)
        {
            await bed.ExpressionsQueue.DeleteMessageAsync(queued.MessageId, queued.PopReceipt);
        }
        await bed.SamplesTable.DeleteEntityAsync("run-again", new SampleId("ref2", 1).ToString());
        var missingBefore = await bed.Aggregator.MissingAsync("run-again", default);

        var progress = new List<Vpd.Pipeline.Enqueue.EnqueueProgress>();
        var second = await bed.Enqueuer.EnqueueAsync(request, new SyncProgress<Vpd.Pipeline.Enqueue.EnqueueProgress>(progress.Add), default);

        var requeued = (await bed.ExpressionsQueue.ReceiveMessagesAsync(32)).Value.Select(m => ExpressionMessage.Parse(m.MessageText)).ToList();
        var requeuedIds = requeued.SelectMany(m => m.SampleIds()).Order().ToList();
        Assert.Equal(missingBefore.Select(m => new SampleId(m.Object.RefId, m.Sentence.Index)).Order().ToList(), requeuedIds);
        Assert.Contains(new SampleId("ref2", 1), requeuedIds);
        Assert.DoesNotContain(new SampleId("ref2", 0), requeuedIds);
        Assert.Equal(requeuedIds.Count, second.SentencesEnqueued);
        Assert.False(first.ManifestExisted);
        Assert.True(second.ManifestExisted);
        Assert.Equal(first.ManifestSha256, second.ManifestSha256);
        Assert.Equal((5, 0), (first.ImagesUploaded, first.ImagesSkipped));
        Assert.Equal((0, 5), (second.ImagesUploaded, second.ImagesSkipped));
        Assert.Equal((0, 5), (second.TruthUploaded, second.TruthSkipped));
        Assert.Equal((4, 1), (second.ObjectsEnqueued, second.ObjectsSkipped));
        Assert.Contains(progress, p => p is { Stage: "messages", Done: 5, Total: 5 });
    }

    [Fact]
    public async Task Enqueue_SameRunDifferentSettings_Refused()
    {
        using var bed = new PipelineTestBed(azurite);
        var request = bed.Request("run-clash", bed.Objects(2));
        await bed.Enqueuer.EnqueueAsync(request, null, default);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => bed.Enqueuer.EnqueueAsync(request with { Settings = request.Settings with { NoiseSeed = 8 } }, null, default));
        Assert.Contains("run-clash", e.Message);
        Assert.Contains("different manifest", e.Message);
    }

    [Fact]
    public async Task Enqueue_SameRunOtherObjects_RefusedNamingTheSentenceSet()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Enqueuer.EnqueueAsync(bed.Request("run-objects", bed.Objects(2)), null, default);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => bed.Enqueuer.EnqueueAsync(bed.Request("run-objects", bed.Objects(3)), null, default));
        Assert.Contains("run-objects", e.Message);
        Assert.Contains("objects.json", e.Message);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ReturnsPromptly()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Storage.EnsureCreatedAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await bed.Worker.RunAsync(cts.Token);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    /// <summary>The columns that must not change when a message is processed again.</summary>
    private static List<string> Summarise(Dictionary<SampleId, SampleRow> rows) =>
        [.. rows.Values.OrderBy(r => r.Id.ToString(), StringComparer.Ordinal)
            .Select(r => $"{r.Id}|{r.Status}|{r.Intersection}|{r.Union}|{r.Iou}|{r.Error}|{r.Text}|{r.SentId}")];
}
