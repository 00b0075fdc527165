using Vpd.TestSupport;
using VpdFunctions.Host.Tests.Harness;
using VpdFunctions.Host.Tests.Storage;

namespace VpdFunctions.Host.Tests.Scenarios;

/// <summary>
/// The identity-based form of the connection setting, as infra/ deploys it: the worker must ask the
/// container's managed identity endpoint for a storage token for the configured user-assigned identity,
/// and call the account's public endpoints. No token or endpoint is real here: the identity endpoint is
/// the harness's, and an HTTPS proxy on loopback records the endpoints and refuses to connect them.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class IdentitySettingsTests(AzuriteFixture azurite, PublishedApp app)
{
    private const string Account = "vpdharnessstore";
    private const string ClientId = "3f2b8c1e-0d4a-4c6b-9a57-1e2f3a4b5c6d";

    // The first request of each client reaches the proxy within a second; the SDKs' own retries of the
    // refused requests (tens of seconds) are not waited for.
    private static readonly TimeSpan FirstRequests = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task IdentitySettings_UserAssignedManagedIdentity_TokenForThatClientIdAndTheAccountsBlobAndTableEndpoints()
    {
        using var bed = await HostTestBed.CreateAsync(azurite, app);
        await bed.Runs.EnqueueThresholdAsync("identity1", objects: 1);
        var expressions = bed.Storage.Queues.GetQueueClient(AppStorage.ExpressionsQueue);
        var queued = (await expressions.PeekMessageAsync()).Value;
        await bed.Storage.Queues.GetQueueClient($"{AppStorage.ExpressionsQueue}-poison").SendMessageAsync(queued.Body);
        await using var identity = await IdentityEndpoint.StartAsync();
        await using var proxy = new RefusingProxy();
        using var modelCache = new TempDir("vpd-host-identity-cache");
        var settings = new Dictionary<string, string>(identity.Environment)
        {
            ["AzureWebJobsStorage__accountName"] = Account,
            ["AzureWebJobsStorage__credential"] = "managedidentity",
            ["AzureWebJobsStorage__clientId"] = ClientId,
            ["HTTPS_PROXY"] = proxy.Uri.AbsoluteUri,
            ["NO_PROXY"] = "127.0.0.1,localhost",
            ["VPD_MODEL_CACHE"] = modelCache.Path,
        };
        await using var host = await FunctionsHost.StartAsync(app, settings);
        // The messages come from Azurite (the host's own listener is not under test); the worker's clients are.
        // SegmentExpression reads the run's manifest blob first, HandlePoisonExpression the sentences' table rows.
        var segment = bed.Trigger(host, "SegmentExpression");
        var poison = bed.Trigger(host, "HandlePoisonExpression");
        var invocations = new List<Task>();
        foreach (var trigger in new[] { segment, poison })
        {
            var message = (await trigger.Queue.ReceiveMessageAsync(TimeSpan.FromMinutes(5))).Value;
            invocations.Add(host.InvokeAsync(trigger.InvocationFor(message), TimeSpan.FromMinutes(2)));
        }

        var reached = await Eventually(() =>
            proxy.Targets.Contains($"{Account}.blob.core.windows.net:443") && proxy.Targets.Contains($"{Account}.table.core.windows.net:443"));

        Assert.True(reached, $"the worker's storage clients did not ask for both account endpoints; proxy saw [{string.Join(", ", proxy.Targets)}]\n{host.Process.Output}");
        Assert.All(proxy.Targets, t => Assert.Matches($@"^{Account}\.(blob|queue|table)\.core\.windows\.net:443$", t));
        Assert.NotEmpty(identity.Requests);
        Assert.All(identity.Requests, r =>
        {
            Assert.Equal(ClientId, r.ClientId);
            Assert.StartsWith("https://storage.azure.com", r.Resource, StringComparison.Ordinal);
            Assert.Equal(IdentityEndpoint.Secret, r.IdentityHeader);
        });
        Assert.Empty(await bed.Storage.RowsAsync("identity1"));
        // The invocations still retrying are abandoned with the worker.
        await host.DisposeAsync();
        await Task.WhenAll(invocations.Select(i => i.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > FirstRequests)
            {
                return false;
            }
            await Task.Delay(100);
        }
        return true;
    }
}
