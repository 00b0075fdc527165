using System.Text.Json.Nodes;
using Azure.Storage.Queues.Models;
using Vpd.TestSupport;
using VpdFunctions.Host.Tests.Harness;
using VpdFunctions.Host.Tests.Storage;

namespace VpdFunctions.Host.Tests.Scenarios;

/// <summary>
/// What every test here starts from: empty app queues in the shared Azurite, a place to create runs, and
/// the app settings of a local deployment (a connection string in <c>AzureWebJobsStorage</c>, a fresh
/// model cache folder per test so each worker process downloads and loads its models itself).
/// </summary>
internal sealed class HostTestBed : IDisposable
{
    /// <summary>A threshold invocation takes milliseconds; the first one in a process also builds the services.</summary>
    public static readonly TimeSpan InvocationTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDir _modelCache = new("vpd-host-model-cache");

    private HostTestBed(AzuriteFixture azurite, PublishedApp app)
    {
        App = app;
        ConnectionString = azurite.ConnectionString;
        Storage = new AppStorage(azurite.ConnectionString, app.Queues);
        Runs = new UserRuns(azurite.ConnectionString);
    }

    public static async Task<HostTestBed> CreateAsync(AzuriteFixture azurite, PublishedApp app)
    {
        var bed = new HostTestBed(azurite, app);
        await bed.Storage.ClearQueuesAsync();
        return bed;
    }

    public PublishedApp App { get; }

    public string ConnectionString { get; }

    public AppStorage Storage { get; }

    public UserRuns Runs { get; }

    /// <summary>App settings of a deployment against this Azurite.</summary>
    public Dictionary<string, string> Settings() => new()
    {
        ["AzureWebJobsStorage"] = ConnectionString,
        ["VPD_MODEL_CACHE"] = _modelCache.Path,
    };

    public Task<FunctionsHost> StartHostAsync() => FunctionsHost.StartAsync(App, Settings());

    public QueueTrigger Trigger(FunctionsHost host, string function, TimeSpan? retryDelay = null) =>
        new(host, function, Storage.Queues, retryDelay);

    /// <summary>What a vpd-expressions message of one object names (its documented JSON).</summary>
    public static QueuedExpression Expression(QueueMessage message) => Expression(message.Body);

    public static QueuedExpression Expression(PeekedMessage message) => Expression(message.Body);

    private static QueuedExpression Expression(BinaryData body)
    {
        var json = JsonNode.Parse(body.ToString())!;
        var objects = json["objects"]!.AsArray();
        Assert.Single(objects);
        var only = objects[0]!;
        return new QueuedExpression(
            (string)json["run"]!, (string)json["dataset"]!, (string)only["refId"]!, (string)only["truthSha256"]!,
            only["sentences"]!.AsArray().Select(s => (int)s!["index"]!).ToArray());
    }

    public void Dispose()
    {
        Runs.Dispose();
        _modelCache.Dispose();
    }
}

/// <summary>The run, dataset, referred object, truth mask hash and sentence indexes of one vpd-expressions message.</summary>
internal sealed record QueuedExpression(string Run, string Dataset, string RefId, string TruthSha256, int[] Sentences)
{
    /// <summary>The VpdSamples RowKeys of its sentences, in order.</summary>
    public IEnumerable<string> RowKeys => Sentences.Select(i => $"{RefId}-{i}").Order(StringComparer.Ordinal);
}
