using Vpd.TestSupport;
using VpdFunctions.Host.Tests.Harness;

namespace VpdFunctions.Host.Tests.Scenarios;

/// <summary>Process start, WorkerInitRequest and function indexing/loading of the published app.</summary>
[Collection(HostCollection.Name)]
public sealed class WorkerStartupTests(AzuriteFixture azurite, PublishedApp app)
{
    [Fact]
    public async Task WorkerInit_PublishedApp_AnnouncesTheCapabilitiesTheHostActsOn()
    {
        using var bed = await HostTestBed.CreateAsync(azurite, app);
        await using var host = await bed.StartHostAsync();

        var capabilities = host.Init.Capabilities;
        // Without it the host kills the worker on shutdown instead of asking it to stop.
        Assert.Equal("True", capabilities["HandlesWorkerTerminateMessage"]);
        // Failures come back as the function's own exception (type and message), which the host logs and retries on.
        Assert.Equal("True", capabilities["EnableUserCodeException"]);
        Assert.Equal("True", capabilities["HandlesInvocationCancelMessage"]);
        // The worker takes one FunctionLoadRequest per function, which is what the harness sends.
        Assert.False(capabilities.ContainsKey("SupportsLoadResponseCollection"));
        Assert.StartsWith("10.", host.Init.WorkerMetadata.RuntimeVersion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionsMetadataRequest_PublishedApp_WorkerIndexesTheFunctionsOfFunctionsMetadata()
    {
        using var bed = await HostTestBed.CreateAsync(azurite, app);
        await using var host = await bed.StartHostAsync();

        Assert.True(app.Worker.WorkerIndexing, "worker.config.json should ask the host for worker indexing");
        Assert.True(host.IndexedByWorker, "the worker left indexing to the host");
        var file = app.FunctionsMetadata();
        Assert.Equal(file.Keys.Order(StringComparer.Ordinal), host.Functions.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, function) in host.Functions)
        {
            var declared = file[name]["bindings"]!.AsArray().Select(b => FunctionBinding.Parse(b!.AsObject(), name)).Single();
            var trigger = function.Trigger;
            Assert.Equal((declared.Name, declared.Type, declared.Direction, declared.DataType), (trigger.Name, trigger.Type, trigger.Direction, trigger.DataType));
            Assert.Equal(declared.Setting("queueName"), trigger.Setting("queueName"));
            Assert.Equal("AzureWebJobsStorage", trigger.Setting("connection"));
            Assert.Equal(declared.SupportsDeferredBinding, trigger.SupportsDeferredBinding);
        }
        // The QueueMessage parameter is bound from the extension's binding data; the string ones from the message text.
        Assert.True(host.Functions["SegmentExpression"].Trigger.SupportsDeferredBinding);
        Assert.Equal("String", host.Functions["AggregateRun"].Trigger.DataType);
        Assert.Equal("String", host.Functions["HandlePoisonExpression"].Trigger.DataType);
    }

    [Fact]
    public async Task FunctionLoadRequest_HostIndexingFromFunctionsMetadata_LoadsFunctionsTheWorkerCanInvoke()
    {
        using var bed = await HostTestBed.CreateAsync(azurite, app);
        await bed.Runs.EnqueueThresholdAsync("hostindexed1", objects: 1);
        await using var host = await FunctionsHost.StartAsync(app, bed.Settings(), workerIndexing: false);

        var delivery = await bed.Trigger(host, "SegmentExpression").DeliverNextAsync(HostTestBed.InvocationTimeout);

        Assert.False(host.IndexedByWorker);
        Assert.Equal(app.FunctionsMetadata().Keys.Order(StringComparer.Ordinal), host.Functions.Keys.Order(StringComparer.Ordinal));
        Assert.True(delivery?.Succeeded, $"{delivery?.Response?.Result.Exception}\n{host.Process.Output}");
        Assert.All(await bed.Storage.RowsAsync("hostindexed1"), r => Assert.Equal("succeeded", r.GetString("Status")));
    }
}
