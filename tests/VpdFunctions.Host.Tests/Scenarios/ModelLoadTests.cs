using Vpd.TestSupport;
using VpdFunctions.Host.Tests.Harness;

namespace VpdFunctions.Host.Tests.Scenarios;

/// <summary>
/// The Functions app registers its pipeline as a singleton so the model stays loaded between invocations:
/// two objects of one run in one worker process must load the model once. The worker's model cache logs
/// the event "ModelLoaded" once per load; the worker forwards ILogger output to the host as RpcLog
/// messages with the event id's name in <c>event_id</c>.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class ModelLoadTests(AzuriteFixture azurite, PublishedApp app)
{
    private const string ModelCacheCategory = "Vpd.Pipeline.Segmentation.ModelCache";

    [Fact]
    public async Task SegmentExpression_TwoMessagesOfOneTinyModel_LoadTheModelOncePerProcess()
    {
        using var bed = await HostTestBed.CreateAsync(azurite, app);
        // Two runs of one model: two messages (one run's first object is one image's message).
        var model = Path.Combine(RepoPaths.Root, "models", "tiny-refshapes.safetensors");
        await bed.Runs.EnqueueModelAsync("tiny1", model, objects: 1);
        await bed.Runs.EnqueueModelAsync("tiny2", model, objects: 1);
        await using var host = await bed.StartHostAsync();

        var deliveries = await bed.Trigger(host, "SegmentExpression").DeliverAllAsync(TimeSpan.FromMinutes(3));

        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.True(d.Succeeded, $"{d.Response?.Result.Exception}\n{host.Process.Output}"));
        var rows = (await bed.Storage.RowsAsync("tiny1")).Concat(await bed.Storage.RowsAsync("tiny2")).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("succeeded", r.GetString("Status")));
        var loads = host.Logs.Where(l => l.EventId == "ModelLoaded").ToList();
        var load = Assert.Single(loads);
        Assert.Equal(ModelCacheCategory, load.Category);
    }
}
