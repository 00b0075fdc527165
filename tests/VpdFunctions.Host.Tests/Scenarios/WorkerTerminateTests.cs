using Vpd.TestSupport;
using VpdFunctions.Host.Tests.Harness;

namespace VpdFunctions.Host.Tests.Scenarios;

[Collection(HostCollection.Name)]
public sealed class WorkerTerminateTests(AzuriteFixture azurite, PublishedApp app)
{
    [Fact]
    public async Task WorkerTerminate_AfterAnInvocation_ProcessExitsWithCodeZeroWithinTheGracePeriod()
    {
        using var bed = await HostTestBed.CreateAsync(azurite, app);
        await bed.Runs.EnqueueThresholdAsync("terminate1", objects: 1);
        await using var host = await bed.StartHostAsync();
        var delivery = await bed.Trigger(host, "SegmentExpression").DeliverNextAsync(HostTestBed.InvocationTimeout);
        Assert.True(delivery?.Succeeded, delivery?.Response?.Result.Exception?.ToString());

        var exited = await host.TerminateAsync(FunctionsHost.DefaultGracePeriod);

        Assert.True(exited, $"the worker still ran {FunctionsHost.DefaultGracePeriod.TotalSeconds} s after WorkerTerminate:\n{host.Process.Output}");
        Assert.Equal(0, host.Process.ExitCode);
        Assert.True(host.StreamClosed.IsCompleted, "the worker's stream is still open after it exited");
    }
}
