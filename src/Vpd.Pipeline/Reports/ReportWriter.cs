using Microsoft.Extensions.Logging;
using Vpd.Pipeline.Storage;
using Vpd.Reports.Report;

namespace Vpd.Pipeline.Reports;

/// <summary>
/// Renders the HTML run report of stored runs (the report library's two steps over <see cref="RunPictures"/>), and
/// stores a run's own report as runs/{run}/report.html, which the aggregator does when the run completes or stalls,
/// so a user on Azure downloads one blob.
/// </summary>
public sealed partial class ReportWriter(PipelineStorage storage, RunPictures pictures, TimeProvider time, ILogger<ReportWriter> logger)
{
    /// <summary>The report of <paramref name="runs"/> (one, or several side by side), each with an optional column label.</summary>
    public async Task<string> RenderAsync(IReadOnlyList<(string Run, string? Label)> runs, ReportOptions? options, CancellationToken cancellationToken)
    {
        var loaded = new List<ReportRun>();
        foreach (var (run, label) in runs)
        {
            loaded.Add(await pictures.LoadRunAsync(run, label, cancellationToken));
        }
        var plan = ReportPlan.Create(loaded, (options ?? ReportOptions.Default) with { GeneratedUtc = time.GetUtcNow() });
        return RunReport.Render(plan, await pictures.LoadAsync(plan, cancellationToken));
    }

    /// <summary>Renders the run's report and stores it beside its metrics.</summary>
    public async Task WriteAsync(string run, CancellationToken cancellationToken)
    {
        var html = await RenderAsync([(run, null)], null, cancellationToken);
        await storage.Runs.WriteReportAsync(run, html, cancellationToken);
        LogWritten(run, html.Length, storage.Runs.ReportLocation(run));
    }

    [LoggerMessage(EventId = 320, EventName = "ReportWritten", Level = LogLevel.Information, Message = "run {Run}: report ({Bytes} characters) at {Location}")]
    private partial void LogWritten(string run, int bytes, string location);
}
