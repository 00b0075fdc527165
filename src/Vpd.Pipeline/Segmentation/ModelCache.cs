using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Hosting;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Segmentation;

/// <summary>
/// Keeps one segmenter per model (keyed by the model file's SHA-256) for the life of the process, so a worker loads a
/// model once and keeps it warm. Model files come from the models container into the host's model cache folder and
/// are verified against their hash before use.
/// </summary>
public sealed partial class ModelCache(ModelStore models, ISegmenterFactory factory, HostSettings host, ILogger<ModelCache> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ISegmenter>>> _segmenters = new(StringComparer.Ordinal);

    /// <summary>The segmenter for the manifest's model, loading it on first use; concurrent callers share one load.</summary>
    /// <exception cref="InvalidDataException">The model blob is missing, does not match its hash, or is not a usable model.</exception>
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
        var clock = Stopwatch.StartNew();
        var file = await models.FetchAsync(manifest.Model.Sha256, host.ModelCacheDirectory, cancellationToken);
        try
        {
            // Loading is CPU- or GPU-bound: off the caller's thread so a host's other invocations keep moving.
            var segmenter = await Task.Run(() => factory.Create(manifest, file, host), cancellationToken);
            LogLoaded(manifest.Model.Sha256, manifest.Model.Kind, host.Device, manifest.Dtype, clock.ElapsedMilliseconds);
            return segmenter;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or NotSupportedException)
        {
            // A model that cannot be used is bad input of every run that names it: say which model.
            throw new InvalidDataException($"model {manifest.Model.Sha256} ({manifest.Model.Kind}) cannot be used: {e.Message}", e);
        }
    }

    [LoggerMessage(EventId = 100, EventName = "ModelLoaded", Level = LogLevel.Information,
        Message = "loaded model {ModelSha256} ({Kind}) on {Device} in {Dtype} in {Ms} ms")]
    private partial void LogLoaded(string modelSha256, string kind, string device, string dtype, long ms);

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
