using System.Collections.Concurrent;
using Azure;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Processing;

/// <summary>A run's manifest and the SHA-256 of its stored bytes.</summary>
public sealed record StoredManifest(RunManifest Manifest, string Sha256);

/// <summary>Reads runs/{run}/manifest.json, caching each run's manifest for the life of the process (it never changes).</summary>
public sealed class ManifestStore(StorageClients storage)
{
    private readonly ConcurrentDictionary<string, StoredManifest> _cache = new(StringComparer.Ordinal);

    /// <exception cref="InvalidDataException">The run has no manifest (unknown run) or it is not a valid manifest.</exception>
    public async Task<StoredManifest> GetAsync(string run, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(run, out var cached))
        {
            return cached;
        }
        var loaded = await LoadOrNullAsync(storage, run, cancellationToken)
            ?? throw new InvalidDataException(
                $"unknown run '{run}': no manifest at {storage.Names.RunsContainer}/{StorageLayout.ManifestBlob(run)}");
        return _cache.GetOrAdd(run, loaded);
    }

    /// <summary>The stored manifest, or null when the run has none.</summary>
    /// <exception cref="InvalidDataException">The manifest is not valid.</exception>
    public static async Task<StoredManifest?> LoadOrNullAsync(StorageClients storage, string run, CancellationToken cancellationToken)
    {
        var blobName = StorageLayout.ManifestBlob(run);
        byte[] bytes;
        try
        {
            bytes = (await storage.Runs.GetBlobClient(blobName).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        var source = $"{storage.Names.RunsContainer}/{blobName}";
        var manifest = RunManifest.Parse(bytes, source);
        if (manifest.Run != run)
        {
            throw new InvalidDataException($"{source} names run '{manifest.Run}', not '{run}'");
        }
        return new StoredManifest(manifest, RunManifest.Sha256Of(bytes));
    }
}
