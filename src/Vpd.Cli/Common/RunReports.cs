using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;

namespace Vpd.Cli.Common;

/// <summary>A run's stored metrics together with the manifest they belong to.</summary>
public sealed record RunReport(RunManifest Manifest, RunMetrics Metrics);

/// <summary>Reads what the aggregator wrote for a run: its manifest and metrics.</summary>
public static class RunReports
{
    /// <exception cref="ArgumentException">The run has no manifest (unknown run) or no metrics yet.</exception>
    public static async Task<RunReport> LoadAsync(PipelineStorage storage, string run, CancellationToken cancellationToken)
    {
        var manifest = await storage.Runs.FindManifestAsync(run, cancellationToken)
            ?? throw new ArgumentException($"unknown run '{run}': no manifest in {storage.Description}");
        var metrics = await storage.Runs.FindMetricsAsync(run, cancellationToken)
            ?? throw new ArgumentException(
                $"run '{run}' has no metrics yet: they appear after the first aggregation (`vpd aggregate --run {run}`)");
        return new RunReport(manifest.Manifest, metrics);
    }
}
