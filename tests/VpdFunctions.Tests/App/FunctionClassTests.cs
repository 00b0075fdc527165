using Azure.Storage.Queues.Models;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;
using VpdFunctions.Functions;

namespace VpdFunctions.Tests.App;

/// <summary>The function classes created from the app's composition and called as the host would call them, against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunctionClassTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SegmentExpression_EnqueuedObject_WritesSucceededRowsAndMasks()
    {
        using var bed = new FunctionsTestBed(azurite);
        await bed.EnqueueAsync("run1", objects: 1);
        var message = await bed.ReceiveAsync(bed.Names.ExpressionsQueue);

        await bed.Function<SegmentExpression>().RunAsync(message, default);

        var rows = await bed.RowsAsync("run1");
        Assert.Equal([new SampleId("r0", 0), new SampleId("r0", 1)], rows.Select(r => r.Id).Order());
        Assert.All(rows, r => Assert.Equal((SampleStatus.Succeeded, message.DequeueCount), (r.Status, r.DequeueCount)));
        foreach (var row in rows)
        {
            Assert.Equal(FunctionsTestBed.Size, (await bed.Storage.Runs.ReadMaskAsync("run1", row.Id, FunctionsTestBed.Size, default)).Width);
        }
    }

    [Fact]
    public async Task SegmentExpression_UnknownRun_RecordsFailedRowsWithoutThrowing()
    {
        using var bed = new FunctionsTestBed(azurite);
        await bed.Storage.EnsureCreatedAsync();
        var text = new ExpressionMessage
        {
            Run = "nosuchrun", Dataset = "refshapes", ImageId = "img0", ImageSha256 = new string('a', 64),
            Objects = [new MessageObject { RefId = "r9", TruthSha256 = new string('b', 64), Sentences = [new Sentence(0, 1, "a thing")] }],
        }.ToJson();
        var message = QueuesModelFactory.QueueMessage("id", "pop", new BinaryData(text), dequeueCount: 1);

        await bed.Function<SegmentExpression>().RunAsync(message, default);

        var row = Assert.Single(await bed.RowsAsync("nosuchrun"));
        Assert.Equal(SampleStatus.Failed, row.Status);
        Assert.Contains("nosuchrun", row.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandlePoisonExpression_PoisonedMessage_RecordsEverySentenceAsFailed()
    {
        using var bed = new FunctionsTestBed(azurite);
        await bed.EnqueueAsync("run2", objects: 1);
        var message = await bed.ReceiveAsync(bed.Names.ExpressionsQueue);

        await bed.Function<HandlePoisonExpression>().RunAsync(message.MessageText, default);

        var rows = await bed.RowsAsync("run2");
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(SampleStatus.Failed, r.Status));
    }

    [Fact]
    public async Task AggregateRun_AfterEveryObject_WritesCompleteMetricsAndStopsRechecking()
    {
        using var bed = new FunctionsTestBed(azurite);
        await bed.EnqueueAsync("run3", objects: 3);
        var segment = bed.Function<SegmentExpression>();
        for (var i = 0; i < 3; i++)
        {
            await segment.RunAsync(await bed.ReceiveAsync(bed.Names.ExpressionsQueue), default);
        }
        var aggregate = await bed.ReceiveAsync(bed.Names.AggregateQueue);

        await bed.Function<AggregateRun>().RunAsync(aggregate.MessageText, default);

        var metrics = (await bed.Storage.Runs.FindMetricsAsync("run3", default))!;
        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(new SentenceCounts(6, 6, 0, 0, 0), metrics.Counts);
        Assert.Null((await bed.Queue(bed.Names.AggregateQueue).ReceiveMessageAsync()).Value);
    }

    [Fact]
    public async Task AggregateRun_RunStillPending_ReenqueuesTheNextCheck()
    {
        using var bed = new FunctionsTestBed(azurite);
        await bed.EnqueueAsync("run4", objects: 2);
        var aggregate = await bed.ReceiveAsync(bed.Names.AggregateQueue);

        await bed.Function<AggregateRun>().RunAsync(aggregate.MessageText, default);

        var queue = bed.Queue(bed.Names.AggregateQueue);
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Empty((await queue.PeekMessagesAsync()).Value); // invisible for the recheck delay
    }

    [Fact]
    public async Task HandlePoisonAggregate_PoisonedCheck_RecordedOnTheRunsRow()
    {
        using var bed = new FunctionsTestBed(azurite);
        await bed.EnqueueAsync("run5", objects: 1);
        var aggregate = await bed.ReceiveAsync(bed.Names.AggregateQueue);

        await bed.Function<HandlePoisonAggregate>().RunAsync(aggregate.MessageText, default);

        var row = (await bed.Clients.Tables.GetTableClient(bed.Names.RunsTable).GetEntityAsync<Azure.Data.Tables.TableEntity>("runs", "run5")).Value;
        Assert.Contains("vpd aggregate --run", row.GetString("AggregationError"));
    }
}
