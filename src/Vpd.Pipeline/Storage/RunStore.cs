using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Vpd.Core.Contracts;
using Vpd.Core.Masks;

namespace Vpd.Pipeline.Storage;

/// <summary>
/// A run's blobs in the runs container (manifest, sentence set, metrics, report, masks, attention maps), its VpdRuns
/// row, and the queue messages that drive it. The manifest and sentence set are written once and never change, so
/// they are cached for the life of the process.
/// </summary>
public sealed class RunStore(StorageClients storage)
{
    private readonly ConcurrentDictionary<string, StoredManifest> _manifests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RunObjects> _objects = new(StringComparer.Ordinal);

    private BlobContainerClient Container => storage.Blobs.GetBlobContainerClient(storage.Names.RunsContainer);

    private TableClient RunsTable => storage.Tables.GetTableClient(storage.Names.RunsTable);

    /// <summary>Where a blob of this container is, for messages.</summary>
    public string Describe(string blobName) => $"{storage.Names.RunsContainer}/{blobName}";

    public string MasksFolder(string run) => $"{storage.Blobs.Uri.ToString().TrimEnd('/')}/{storage.Names.RunsContainer}/{Ids.Validate(run, "run")}/masks/";

    // ---- manifest and sentence set

    /// <summary>The run's manifest (cached); the run must exist.</summary>
    /// <exception cref="InvalidDataException">Unknown run, or an invalid manifest.</exception>
    public async Task<StoredManifest> GetManifestAsync(string run, CancellationToken cancellationToken) =>
        await FindManifestAsync(run, cancellationToken)
        ?? throw new InvalidDataException($"unknown run '{run}': no manifest at {Describe(StorageLayout.ManifestBlob(run))}");

    /// <summary>The run's manifest, or null when the run does not exist.</summary>
    /// <exception cref="InvalidDataException">The manifest is not valid.</exception>
    public async Task<StoredManifest?> FindManifestAsync(string run, CancellationToken cancellationToken)
    {
        if (_manifests.TryGetValue(run, out var cached))
        {
            return cached;
        }
        var name = StorageLayout.ManifestBlob(run);
        var bytes = await DownloadOrNullAsync(name, cancellationToken);
        if (bytes is null)
        {
            return null;
        }
        var manifest = RunManifest.Parse(bytes, Describe(name));
        if (manifest.Run != run)
        {
            throw new InvalidDataException($"{Describe(name)} names run '{manifest.Run}', not '{run}'");
        }
        return _manifests.GetOrAdd(run, new StoredManifest(manifest, RunManifest.Sha256Of(bytes)));
    }

    /// <summary>
    /// Writes the manifest unless the run exists. An existing run must have the same manifest apart from its creation
    /// time (a rerun resumes it); otherwise the run id is taken and this throws.
    /// </summary>
    /// <returns>The stored manifest and whether it existed before.</returns>
    /// <exception cref="ArgumentException">The run exists with a different manifest.</exception>
    public async Task<(StoredManifest Stored, bool Existed)> CreateManifestAsync(RunManifest manifest, CancellationToken cancellationToken)
    {
        var existing = await FindManifestAsync(manifest.Run, cancellationToken);
        if (existing is not null)
        {
            if (existing.Manifest with { CreatedUtc = manifest.CreatedUtc } != manifest)
            {
                throw new ArgumentException(
                    $"run '{manifest.Run}' already exists with a different manifest ({Describe(StorageLayout.ManifestBlob(manifest.Run))}); " +
                    "choose a new run id to change model, settings or objects");
            }
            return (existing, true);
        }
        var bytes = manifest.ToUtf8Json();
        if (!await CreateOnceAsync(StorageLayout.ManifestBlob(manifest.Run), bytes, "application/json", cancellationToken))
        {
            // Another enqueuer created it in between: compare with that one.
            return await CreateManifestAsync(manifest, cancellationToken);
        }
        return (new StoredManifest(manifest, RunManifest.Sha256Of(bytes)), false);
    }

    /// <summary>The run's sentence set, checked against the hash its manifest pins (cached).</summary>
    /// <exception cref="InvalidDataException">Missing, invalid, or not the set the manifest names.</exception>
    public async Task<RunObjects> GetObjectsAsync(StoredManifest stored, CancellationToken cancellationToken)
    {
        var run = stored.Manifest.Run;
        if (_objects.TryGetValue(run, out var cached))
        {
            return cached;
        }
        var name = StorageLayout.ObjectsBlob(run);
        var bytes = await DownloadOrNullAsync(name, cancellationToken)
            ?? throw new InvalidDataException($"run '{run}' has no sentence set at {Describe(name)}");
        var sha = RunObjects.Sha256Of(bytes);
        if (sha != stored.Manifest.ObjectsSha256)
        {
            throw new InvalidDataException(
                $"{Describe(name)} has SHA-256 {sha}, not the {stored.Manifest.ObjectsSha256} run '{run}''s manifest pins");
        }
        var objects = RunObjects.Parse(bytes, Describe(name));
        return _objects.GetOrAdd(run, objects);
    }

    /// <summary>Writes the sentence set unless the same bytes are there; returns their SHA-256.</summary>
    /// <exception cref="ArgumentException">The run already has a different sentence set.</exception>
    public async Task<string> CreateObjectsAsync(RunObjects objects, CancellationToken cancellationToken)
    {
        var bytes = objects.ToUtf8Json();
        var sha = RunObjects.Sha256Of(bytes);
        var name = StorageLayout.ObjectsBlob(objects.Run);
        if (!await CreateOnceAsync(name, bytes, "application/json", cancellationToken)
            && RunObjects.Sha256Of(await DownloadOrNullAsync(name, cancellationToken) ?? []) != sha)
        {
            throw new ArgumentException(
                $"run '{objects.Run}' already exists with other objects or sentences ({Describe(name)}); choose a new run id");
        }
        return sha;
    }

    // ---- metrics, the VpdRuns row, the report

    public async Task<RunMetrics?> FindMetricsAsync(string run, CancellationToken cancellationToken)
    {
        var name = StorageLayout.MetricsBlob(run);
        var bytes = await DownloadOrNullAsync(name, cancellationToken);
        return bytes is null ? null : RunMetrics.Parse(bytes, Describe(name));
    }

    /// <summary>metrics.json and the VpdRuns row (PartitionKey "runs", RowKey = run), the same numbers in both.</summary>
    public async Task WriteMetricsAsync(RunMetrics metrics, CancellationToken cancellationToken)
    {
        await Container.GetBlobClient(StorageLayout.MetricsBlob(metrics.Run))
            .UploadAsync(new BinaryData(metrics.ToUtf8Json()), overwrite: true, cancellationToken);
        await RunsTable.UpsertEntityAsync(RunRow.From(metrics), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>When the run was first seen complete, as its VpdRuns row says (null before).</summary>
    public async Task<DateTimeOffset?> FindCompletedUtcAsync(string run, CancellationToken cancellationToken)
    {
        var row = await RunsTable.GetEntityIfExistsAsync<TableEntity>(
            StorageLayout.RunsPartition, Ids.Validate(run, "run"), [RunRow.CompletedUtcColumn], cancellationToken);
        return row.HasValue ? row.Value!.GetDateTimeOffset(RunRow.CompletedUtcColumn) : null;
    }

    /// <summary>Records on the run's VpdRuns row that its aggregation checks kept failing (the aggregate poison queue).</summary>
    public async Task RecordAggregationFailureAsync(string run, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(StorageLayout.RunsPartition, Ids.Validate(run, "run"))
        {
            [RunRow.AggregationErrorColumn] = SampleStore.Truncate(reason),
            [RunRow.AggregationErrorUtcColumn] = now,
        };
        await RunsTable.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task WriteReportAsync(string run, string html, CancellationToken cancellationToken) =>
        await Container.GetBlobClient(StorageLayout.ReportBlob(run)).UploadAsync(
            new BinaryData(html), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/html; charset=utf-8" } },
            cancellationToken);

    public async Task<string?> FindReportAsync(string run, CancellationToken cancellationToken) =>
        await DownloadOrNullAsync(StorageLayout.ReportBlob(run), cancellationToken) is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : null;

    public string ReportLocation(string run) => $"{storage.Blobs.Uri.ToString().TrimEnd('/')}/{Describe(StorageLayout.ReportBlob(run))}";

    // ---- per-sentence artefacts

    public async Task WriteMaskAsync(string run, SampleId sample, BinaryMask mask, CancellationToken cancellationToken) =>
        await Container.GetBlobClient(StorageLayout.MaskBlob(run, sample)).UploadAsync(new BinaryData(MaskPng.Encode(mask)), overwrite: true, cancellationToken);

    /// <exception cref="InvalidDataException">The mask is missing or not a valid S x S mask PNG.</exception>
    public async Task<BinaryMask> ReadMaskAsync(string run, SampleId sample, int size, CancellationToken cancellationToken)
    {
        var name = StorageLayout.MaskBlob(run, sample);
        var bytes = await DownloadOrNullAsync(name, cancellationToken) ?? throw new InvalidDataException($"mask {Describe(name)} not found");
        return MaskPng.Decode(bytes, size, size, Describe(name));
    }

    public async Task WriteAttentionAsync(string run, SampleId sample, byte[] blob, CancellationToken cancellationToken) =>
        await Container.GetBlobClient(StorageLayout.AttentionBlob(run, sample)).UploadAsync(new BinaryData(blob), overwrite: true, cancellationToken);

    public async Task<byte[]?> FindAttentionAsync(string run, SampleId sample, CancellationToken cancellationToken) =>
        await DownloadOrNullAsync(StorageLayout.AttentionBlob(run, sample), cancellationToken);

    public string AttentionName(string run, SampleId sample) => Describe(StorageLayout.AttentionBlob(run, sample));

    // ---- queue messages

    /// <summary>Messages of a long run must not expire in the queue (the default is 7 days).</summary>
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    public async Task EnqueueExpressionAsync(ExpressionMessage message, CancellationToken cancellationToken) =>
        await storage.Queue(storage.Names.ExpressionsQueue).SendMessageAsync(message.ToJson(), TimeSpan.Zero, NeverExpires, cancellationToken);

    /// <param name="delay">Visibility delay; the queue service keeps whole seconds only.</param>
    public async Task EnqueueAggregateAsync(AggregateMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        await storage.Queue(storage.Names.AggregateQueue).SendMessageAsync(message.ToJson(), delay, NeverExpires, cancellationToken);

    // ---- helpers

    private async Task<byte[]?> DownloadOrNullAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            return (await Container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Uploads only if no blob has the name; false when one had it already.</summary>
    private async Task<bool> CreateOnceAsync(string blobName, byte[] bytes, string contentType, CancellationToken cancellationToken)
    {
        try
        {
            await Container.GetBlobClient(blobName).UploadAsync(new BinaryData(bytes), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }
}

/// <summary>The VpdRuns row: the metrics of one run in table form, so runs can be listed and filtered without blobs.</summary>
internal static class RunRow
{
    public const string CompletedUtcColumn = "CompletedUtc";
    public const string AggregationErrorColumn = "AggregationError";
    public const string AggregationErrorUtcColumn = "AggregationErrorUtc";

    public static TableEntity From(RunMetrics metrics)
    {
        var row = new TableEntity(StorageLayout.RunsPartition, metrics.Run)
        {
            ["SchemaVersion"] = metrics.SchemaVersion,
            ["State"] = JsonNamingPolicy.CamelCase.ConvertName(metrics.State.ToString()),
            ["Expected"] = metrics.Counts.Expected,
            ["Succeeded"] = metrics.Counts.Succeeded,
            ["Failed"] = metrics.Counts.Failed,
            ["Pending"] = metrics.Counts.Pending,
            ["Foreign"] = metrics.Counts.Foreign,
            ["OIoU"] = metrics.OverallIou,
            ["MIoU"] = metrics.MeanIou,
            ["CumI"] = metrics.CumI,
            ["CumU"] = metrics.CumU,
            ["ThroughputSentencesPerSecond"] = metrics.ThroughputSentencesPerSecond,
            ["LatencyP50Ms"] = metrics.LatencyMs.P50,
            ["LatencyP90Ms"] = metrics.LatencyMs.P90,
            ["LatencyP99Ms"] = metrics.LatencyMs.P99,
            ["StartedUtc"] = metrics.StartedUtc,
            ["UpdatedUtc"] = metrics.UpdatedUtc,
            ["ManifestSha256"] = metrics.ManifestSha256,
        };
        if (metrics.CompletedUtc is { } completedUtc)
        {
            row[CompletedUtcColumn] = completedUtc;
        }
        foreach (var (key, value) in metrics.Precision)
        {
            row[$"P{key.Replace(".", string.Empty, StringComparison.Ordinal)}"] = value;
        }
        return row;
    }
}
