using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using VpdFunctions.Host.Tests.Harness;

namespace VpdFunctions.Host.Tests.Storage;

/// <summary>
/// Reads what the worker wrote, by the documented contracts (ARCHITECTURE.md, docs/pipeline.md,
/// docs/metrics-schema.md): rows of the VpdSamples table (PartitionKey = run, RowKey = {refId}-{index}),
/// mask PNGs at <c>runs/{run}/masks/{refId}-{index}.png</c>, truth PNGs at <c>inputs/{dataset}/truth/{S}/{refId}/{sha256}.png</c>,
/// <c>runs/{run}/metrics.json</c>. Nothing here calls the product: a test decides from storage alone.
/// </summary>
public sealed class AppStorage(string connectionString, HostQueueSettings queueSettings)
{
    public const string ExpressionsQueue = "vpd-expressions";
    public const string AggregateQueue = "vpd-aggregate";
    public const string SamplesTable = "VpdSamples";
    public const string RunsContainer = "runs";
    public const string InputsContainer = "inputs";

    public QueueServiceClient Queues { get; } = QueueTrigger.Account(connectionString, queueSettings);

    public BlobServiceClient Blobs { get; } = new(connectionString);

    public TableClient Samples { get; } = new TableServiceClient(connectionString).GetTableClient(SamplesTable);

    /// <summary>Empties the app's queues (earlier tests may have left delayed aggregate checks behind).</summary>
    public async Task ClearQueuesAsync()
    {
        foreach (var name in new[] { ExpressionsQueue, $"{ExpressionsQueue}-poison", AggregateQueue, $"{AggregateQueue}-poison" })
        {
            var queue = Queues.GetQueueClient(name);
            await queue.CreateIfNotExistsAsync();
            await queue.ClearMessagesAsync();
        }
    }

    public async Task<IReadOnlyList<TableEntity>> RowsAsync(string run)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Samples.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {run}")))
        {
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The blob's bytes, or null when it does not exist.</summary>
    public async Task<byte[]?> BlobAsync(string container, string name)
    {
        try
        {
            return (await Blobs.GetBlobContainerClient(container).GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<JsonObject?> MetricsAsync(string run) =>
        await BlobAsync(RunsContainer, $"{run}/metrics.json") is { } bytes ? JsonNode.Parse(bytes) as JsonObject : null;

    public static string MaskBlob(string run, string refId, int index) => $"{run}/masks/{refId}-{index}.png";

    /// <summary>A truth mask at S x S, named by its content (the message's <c>truthSha256</c>).</summary>
    public static string TruthBlob(string dataset, int size, string refId, string sha256) => $"{dataset}/truth/{size}/{refId}/{sha256}.png";
}
