using Azure;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Storage;

namespace Vpd.Cli.Common;

/// <summary>A run's stored metrics together with the manifest they belong to.</summary>
public sealed record RunReport(RunManifest Manifest, RunMetrics Metrics);

/// <summary>Reads what the aggregator wrote: runs/{run}/metrics.json and runs/{run}/manifest.json.</summary>
public static class RunReports
{
    /// <exception cref="ArgumentException">The run has no manifest (unknown run) or no metrics yet.</exception>
    public static async Task<RunReport> LoadAsync(StorageClients storage, string run, CancellationToken cancellationToken)
    {
        var manifest = await ManifestStore.LoadOrNullAsync(storage, run, cancellationToken)
            ?? throw new ArgumentException(
                $"unknown run '{run}': no {storage.Names.RunsContainer}/{StorageLayout.ManifestBlob(run)} in {storage.Blobs.Uri}");
        var metrics = await LoadMetricsOrNullAsync(storage, run, cancellationToken)
            ?? throw new ArgumentException(
                $"run '{run}' has no metrics yet ({storage.Names.RunsContainer}/{StorageLayout.MetricsBlob(run)}): " +
                $"they appear after the first aggregation (`vpd aggregate --run {run}`)");
        return new RunReport(manifest.Manifest, metrics);
    }

    public static async Task<RunMetrics?> LoadMetricsOrNullAsync(StorageClients storage, string run, CancellationToken cancellationToken)
    {
        var blobName = StorageLayout.MetricsBlob(run);
        try
        {
            var content = await storage.Runs.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            return RunMetrics.Parse(content.Value.Content.ToArray(), $"{storage.Names.RunsContainer}/{blobName}");
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
