using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

/// <summary>A run counts exactly its own sentences: lost messages keep it from completing, foreign rows stay apart.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RunAccountingTests(AzuriteFixture azurite)
{
    private const string Run = "run-own";

    [Fact]
    public async Task Aggregate_LostMessagesAndForeignMessages_NotCompleteForeignApartMissingListedAndRequeued()
    {
        using var bed = new PipelineTestBed(azurite);
        var objects = bed.Objects(6);
        var request = bed.Request(Run, objects);
        await bed.Enqueuer.EnqueueAsync(request, null, default);
        var queued = (await bed.ExpressionsQueue.ReceiveMessagesAsync(32)).Value.Select(m => ExpressionMessage.Parse(m.MessageText)).OrderBy(m => m.Only().RefId).ToList();
        await bed.ExpressionsQueue.ClearMessagesAsync();
        // Three messages are lost; three are processed, plus foreign ones: an object not in the run, a sentence index
        // the object does not have, and a message claiming other inputs for a real object.
        foreach (var message in queued.Take(3))
        {
            await bed.Processor.ProcessAsync(message, 1, default);
        }
        var template = queued[0];
        var foreign = new[]
        {
            template.WithOnly(o => o with { RefId = "intruder", Sentences = [new Sentence(0, 1, "x"), new Sentence(1, 2, "y")] }),
            template.WithOnly(o => o with { Sentences = [new Sentence(7, 3, "extra")] }),
            queued[3] with { ImageSha256 = new string('f', 64) },
        };
        foreach (var message in foreign)
        {
            await bed.Processor.ProcessAsync(message, 1, default);
        }

        var check = await bed.Aggregator.CheckAsync(new AggregateMessage { Run = Run }, default);
        var missing = await bed.Aggregator.MissingAsync(Run, default);

        var lost = queued.Skip(3).SelectMany(m => m.SampleIds()).ToHashSet();
        var own = queued.Take(3).Sum(m => m.AllSentences().Count());
        Assert.Equal(RunState.Running, check.Metrics.State);
        Assert.Equal(new SentenceCounts(lost.Count + own, own, 0, lost.Count, 3), check.Metrics.Counts);
        Assert.Equal(lost.Order(), missing.Select(m => new SampleId(m.Object.RefId, m.Sentence.Index)).Order());
        var rows = await bed.RowsAsync(Run);
        BadInputTests.AssertFailed(rows[new SampleId("intruder", 0)], "not in run", "sentence set");
        BadInputTests.AssertFailed(rows[new SampleId(template.Only().RefId, 7)], "sentence 7", "not in run");
        // The message claiming other inputs for a real object takes none of the run's keys: it is recorded apart.
        Assert.False(rows.ContainsKey(new SampleId(queued[3].Only().RefId, 0)));
        Assert.Contains(await bed.MalformedAsync(), r => r.GetString("Error")!.Contains("other inputs"));

        // A rerun of the enqueue requeues exactly the missing sentences, and the run then completes.
        var again = await bed.Enqueuer.EnqueueAsync(request, null, default);
        Assert.Equal(missing.Count, again.SentencesEnqueued);
        var metrics = await bed.RunWorkerUntilDoneAsync(Run);
        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(((long)(lost.Count + own), 0L, 0L, 3L), (metrics.Counts.Succeeded, metrics.Counts.Failed, metrics.Counts.Pending, metrics.Counts.Foreign));
    }

    [Fact]
    public async Task Aggregate_CompleteOnlyWhenEveryExpectedSentenceHasARow()
    {
        using var bed = new PipelineTestBed(azurite);
        await bed.Enqueuer.EnqueueAsync(bed.Request(Run, bed.Objects(2)), null, default);
        var queued = (await bed.ExpressionsQueue.ReceiveMessagesAsync(32)).Value.Select(m => ExpressionMessage.Parse(m.MessageText)).ToList();
        // As many foreign rows as the run expects sentences: a count alone would call the run complete.
        var expected = queued.Sum(m => m.AllSentences().Count());
        await bed.Processor.ProcessAsync(
            queued[0].WithOnly(o => o with { RefId = "other", Sentences = [.. Enumerable.Range(0, expected).Select(i => new Sentence(i, i, "x"))] }), 1, default);

        var check = await bed.Aggregator.CheckAsync(new AggregateMessage { Run = Run }, default);

        Assert.Equal(RunState.Running, check.Metrics.State);
        Assert.Equal(new SentenceCounts(expected, 0, 0, expected, expected), check.Metrics.Counts);
    }
}
