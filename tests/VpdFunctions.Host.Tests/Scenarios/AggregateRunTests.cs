using Vpd.TestSupport;
using VpdFunctions.Host.Tests.Harness;
using VpdFunctions.Host.Tests.Storage;

namespace VpdFunctions.Host.Tests.Scenarios;

/// <summary>AggregateRun (a string-bound queue trigger) completing a small run the worker segmented.</summary>
[Collection(HostCollection.Name)]
public sealed class AggregateRunTests(AzuriteFixture azurite, PublishedApp app)
{
    [Fact]
    public async Task AggregateRun_AfterEveryExpressionOfARun_WritesCompleteMetricsAndStopsChecking()
    {
        using var bed = await HostTestBed.CreateAsync(azurite, app);
        await bed.Runs.EnqueueThresholdAsync("aggregate1", objects: 3);
        await using var host = await bed.StartHostAsync();
        var trigger = bed.Trigger(host, "SegmentExpression");
        var queued = (await trigger.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        var segmented = await trigger.DeliverAllAsync(HostTestBed.InvocationTimeout);
        Assert.InRange(queued, 1, 3);
        Assert.Equal(queued, segmented.Count);
        Assert.All(segmented, d => Assert.True(d.Succeeded, d.Response?.Result.Exception?.ToString()));
        var aggregate = bed.Trigger(host, "AggregateRun");
        // vpd enqueue's own first check is delayed 30 s; a check now is the documented message {"run": ...}.
        var pendingChecks = (await aggregate.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        await aggregate.Queue.SendMessageAsync("""{"run":"aggregate1"}""");

        var delivery = await aggregate.DeliverNextAsync(HostTestBed.InvocationTimeout);

        Assert.NotNull(delivery);
        Assert.True(delivery.Succeeded, $"{delivery.Response?.Result.Exception}\n{host.Process.Output}");
        var rows = await bed.Storage.RowsAsync("aggregate1");
        var metrics = await bed.Storage.MetricsAsync("aggregate1");
        Assert.NotNull(metrics);
        Assert.Equal("complete", (string?)metrics["state"]);
        Assert.Equal(rows.Count, (int)metrics["counts"]!["expected"]!);
        Assert.Equal(rows.Count, (int)metrics["counts"]!["succeeded"]!);
        Assert.Equal(0, (int)metrics["counts"]!["failed"]!);
        Assert.Equal(0, (int)metrics["counts"]!["pending"]!);
        var sumI = rows.Sum(r => Convert.ToInt64(r["I"], System.Globalization.CultureInfo.InvariantCulture));
        var sumU = rows.Sum(r => Convert.ToInt64(r["U"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(sumI, (long)metrics["cumI"]!);
        Assert.Equal(sumU, (long)metrics["cumU"]!);
        Assert.Equal((double)sumI / sumU, (double)metrics["oIoU"]!, 12);
        // A complete run is not checked again: only the CLI's delayed first check is still queued.
        Assert.Equal(pendingChecks, (await aggregate.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }
}
