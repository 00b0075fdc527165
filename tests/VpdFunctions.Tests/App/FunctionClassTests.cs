using Azure.Storage.Queues.Models;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;
using VpdFunctions.Functions;

namespace VpdFunctions.Tests.App;

/// <summary>The function classes called directly, as the host would call them, against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunctionClassTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SegmentExpression_EnqueuedObject_WritesSucceededRowsAndMasks()
    {
        using var bed = new FunctionsTestBed(azurite);
        await bed.EnqueueAsync("run1", objects: 1);
        var message = await FunctionsTestBed.ReceiveAsync(bed.Storage.ExpressionsQueue);

        await new SegmentExpression(bed.Services).RunAsync(message, default);

        var rows = await bed.RowsAsync("run1");
        Assert.Equal(["r0-0", "r0-1"], rows.Select(r => r.RowKey).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal("succeeded", r.GetString("Status")));
        Assert.All(rows, r => Assert.Equal(message.DequeueCount, r.GetInt64("DequeueCount")));
        foreach (var row in rows)
        {
            Assert.True((await bed.Storage.Runs.GetBlobClient(StorageLayout.MaskBlob("run1", "r0", int.Parse(row.RowKey[^1..]))).ExistsAsync()).Value);
        }
    }

    [Fact]
    public async Task SegmentExpression_UnknownRun_RecordsFailedRowsWithoutThrowing()
    {
        using var bed = new FunctionsTestBed(azurite);
        await bed.Storage.EnsureCreatedAsync();
        var text = new ExpressionMessage
        {
            Run = "nosuchrun", Dataset = "refshapes", RefId = "r9", ImageId = "img0", Sentences = [new SentenceItem(0, "a thing")],
        }.ToJson();
        var message = QueuesModelFactory.QueueMessage("id", "pop", new BinaryData(text), dequeueCount: 1);

        await new SegmentExpression(bed.Services).RunAsync(message, default);

        var row = Assert.Single(await bed.RowsAsync("nosuchrun"));
        Assert.Equal("failed", row.GetString("Status"));
        Assert.Contains("nosuchrun", row.GetString("Error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandlePoisonExpression_PoisonedMessage_RecordsEverySentenceAsFailed()
    {
        using var bed = new FunctionsTestBed(azurite);
        await bed.EnqueueAsync("run2", objects: 1);
        var message = await FunctionsTestBed.ReceiveAsync(bed.Storage.ExpressionsQueue);

        await new HandlePoisonExpression(bed.Services).RunAsync(message.MessageText, default);

        var rows = await bed.RowsAsync("run2");
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal("failed", r.GetString("Status")));
    }

    [Fact]
    public async Task AggregateRun_AfterEveryObject_WritesCompleteMetricsAndStopsRechecking()
    {
        using var bed = new FunctionsTestBed(azurite);
        await bed.EnqueueAsync("run3", objects: 3);
        var segment = new SegmentExpression(bed.Services);
        for (var i = 0; i < 3; i++)
        {
            await segment.RunAsync(await FunctionsTestBed.ReceiveAsync(bed.Storage.ExpressionsQueue), default);
        }
        var aggregate = await FunctionsTestBed.ReceiveAsync(bed.Storage.AggregateQueue);

        await new AggregateRun(bed.Services).RunAsync(aggregate.MessageText, default);

        var metrics = RunMetrics.Parse(
            (await bed.Storage.Runs.GetBlobClient(StorageLayout.MetricsBlob("run3")).DownloadContentAsync()).Value.Content.ToArray(), "metrics");
        Assert.Equal(RunState.Complete, metrics.State);
        Assert.Equal(new SentenceCounts(6, 6, 0, 0), metrics.Counts);
        Assert.Null((await bed.Storage.AggregateQueue.ReceiveMessageAsync()).Value);
    }

    [Fact]
    public async Task AggregateRun_RunStillPending_ReenqueuesTheNextCheck()
    {
        using var bed = new FunctionsTestBed(azurite);
        await bed.EnqueueAsync("run4", objects: 2);
        var aggregate = await FunctionsTestBed.ReceiveAsync(bed.Storage.AggregateQueue);

        await new AggregateRun(bed.Services).RunAsync(aggregate.MessageText, default);

        var next = (await bed.Storage.AggregateQueue.PeekMessagesAsync()).Value;
        var properties = (await bed.Storage.AggregateQueue.GetPropertiesAsync()).Value;
        Assert.Equal(1, properties.ApproximateMessagesCount);
        Assert.Empty(next); // invisible for the recheck delay
    }
}
