using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Segmentation;

/// <summary>
/// Keeps one segmenter per model (keyed by the model file's SHA-256) for the life of the process, so
/// a worker loads a model once and keeps it warm. Model files come from the models container into a
/// local folder (<c>VPD_MODEL_CACHE</c>, default a folder under the temp dir) and are verified against
/// their hash before use.
/// </summary>
public sealed class ModelCache : IDisposable
{
    private readonly StorageClients _storage;
    private readonly ISegmenterFactory _factory;
    private readonly ConcurrentDictionary<string, Lazy<Task<ISegmenter>>> _segmenters = new(StringComparer.Ordinal);

    public ModelCache(StorageClients storage, ISegmenterFactory factory, string? cacheDirectory = null)
    {
        _storage = storage;
        _factory = factory;
        CacheDirectory = cacheDirectory ?? DefaultDirectory();
    }

    public string CacheDirectory { get; }

    public static string DefaultDirectory() =>
        Environment.GetEnvironmentVariable("VPD_MODEL_CACHE") is { Length: > 0 } fromEnv
            ? fromEnv
            : Path.Combine(Path.GetTempPath(), "vpd-model-cache");

    /// <summary>The segmenter for the manifest's model, loading it on first use; concurrent callers share one load.</summary>
    /// <exception cref="InvalidDataException">The model blob is missing, or its content does not match its hash.</exception>
    public async Task<ISegmenter> GetAsync(RunManifest manifest, CancellationToken cancellationToken)
    {
        var sha = Ids.ValidateSha256(manifest.Model.Sha256, "model sha256");
        // The shared load ignores any one caller's cancellation; each caller stops waiting on its own.
        var lazy = _segmenters.GetOrAdd(sha, _ => new Lazy<Task<ISegmenter>>(() => LoadAsync(manifest, CancellationToken.None)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch when (lazy.Value.IsFaulted)
        {
            // A failed load is not cached: the next message tries again (the blob may have arrived).
            _segmenters.TryRemove(new KeyValuePair<string, Lazy<Task<ISegmenter>>>(sha, lazy));
            throw;
        }
    }

    private async Task<ISegmenter> LoadAsync(RunManifest manifest, CancellationToken cancellationToken)
    {
        var file = await FetchAsync(manifest.Model.Sha256, cancellationToken);
        return _factory.Create(manifest, file);
    }

    /// <summary>The verified local path of model <paramref name="sha256"/>, downloading it when absent.</summary>
    public async Task<string> FetchAsync(string sha256, CancellationToken cancellationToken)
    {
        var blobName = StorageLayout.ModelBlob(sha256);
        Directory.CreateDirectory(CacheDirectory);
        var path = Path.Combine(CacheDirectory, blobName);
        if (File.Exists(path) && await Sha256OfFileAsync(path, cancellationToken) == sha256)
        {
            return path;
        }
        var partial = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            try
            {
                await _storage.Models.GetBlobClient(blobName).DownloadToAsync(partial, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                throw new InvalidDataException(
                    $"model blob {_storage.Names.ModelsContainer}/{blobName} not found: upload it with `vpd enqueue --model FILE`", e);
            }
            var actual = await Sha256OfFileAsync(partial, cancellationToken);
            if (actual != sha256)
            {
                throw new InvalidDataException(
                    $"model blob {_storage.Names.ModelsContainer}/{blobName} has SHA-256 {actual}, not the {sha256} its name promises");
            }
            File.Move(partial, path, overwrite: true);
            return path;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public static async Task<string> Sha256OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    public void Dispose()
    {
        foreach (var entry in _segmenters.Values)
        {
            if (entry.IsValueCreated && entry.Value.IsCompletedSuccessfully && entry.Value.Result is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
        _segmenters.Clear();
    }
}
