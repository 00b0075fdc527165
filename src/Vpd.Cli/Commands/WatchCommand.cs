using System.CommandLine;
using Spectre.Console;
using Vpd.Cli.Common;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd watch --run RUN</c>: follows a run's progress (its metrics as the aggregator last wrote them,
/// and the messages still queued) until it is complete or stalled.
/// </summary>
public static class WatchCommand
{
    public static Command Create()
    {
        var run = CommonOptions.Run();
        var interval = new Option<double>("--interval") { Description = "Seconds between checks", DefaultValueFactory = _ => 2 };
        var command = new Command("watch", "Show a run's progress until it is complete or stalled") { run, interval };
        var storage = StorageOptions.AddTo(command);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var runId = Ids.Validate(parse.GetValue(run)!, "--run");
            var seconds = parse.GetValue(interval);
            if (seconds is < 0.1 or > 3600)
            {
                throw new ArgumentException($"--interval {seconds} must be within 0.1..3600 seconds");
            }
            using var pipeline = CliPipeline.Create(storage.Create(parse), parse.InvocationConfiguration.Error, Microsoft.Extensions.Logging.LogLevel.Warning);
            var clients = pipeline.Storage;
            var metrics = ConsoleProgress.IsInteractive(output)
                ? await WatchWithBarAsync(clients, runId, TimeSpan.FromSeconds(seconds), cancellationToken)
                : await WatchWithLinesAsync(clients, runId, TimeSpan.FromSeconds(seconds), output, cancellationToken);
            output.WriteLine(Line(metrics));
            return metrics.State == RunState.Complete ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static async Task<RunMetrics> WatchWithLinesAsync(
        PipelineStorage storage, string run, TimeSpan interval, TextWriter output, CancellationToken cancellationToken)
    {
        string? last = null;
        while (true)
        {
            var metrics = await NextAsync(storage, run, cancellationToken);
            if (metrics is not null)
            {
                if (metrics.State != RunState.Running)
                {
                    return metrics;
                }
                var line = Line(metrics);
                if (line != last)
                {
                    output.WriteLine(line);
                    last = line;
                }
            }
            await Task.Delay(interval, cancellationToken);
        }
    }

    private static async Task<RunMetrics> WatchWithBarAsync(PipelineStorage storage, string run, TimeSpan interval, CancellationToken cancellationToken) =>
        await AnsiConsole.Progress().AutoClear(false).StartAsync(async context =>
        {
            var task = context.AddTask($"run {run}");
            while (true)
            {
                var metrics = await NextAsync(storage, run, cancellationToken);
                if (metrics is not null)
                {
                    task.MaxValue = Math.Max(1, metrics.Counts.Expected);
                    task.Value = metrics.Counts.Succeeded + metrics.Counts.Failed;
                    task.Description = $"run {run}: {metrics.Counts.Failed} failed";
                    if (metrics.State != RunState.Running)
                    {
                        return metrics;
                    }
                }
                await Task.Delay(interval, cancellationToken);
            }
        });

    /// <summary>The run's stored metrics, or null before its first aggregation; an unknown run is bad input.</summary>
    private static async Task<RunMetrics?> NextAsync(PipelineStorage storage, string run, CancellationToken cancellationToken)
    {
        var metrics = await storage.Runs.FindMetricsAsync(run, cancellationToken);
        if (metrics is null && await storage.Runs.FindManifestAsync(run, cancellationToken) is null)
        {
            throw new ArgumentException($"unknown run '{run}': no manifest in {storage.Description}");
        }
        return metrics;
    }

    private static string Line(RunMetrics m) =>
        $"run {m.Run}: {MetricsTable.StateName(m.State)}, {m.Counts.Succeeded + m.Counts.Failed}/{m.Counts.Expected} accounted " +
        $"({m.Counts.Succeeded} succeeded, {m.Counts.Failed} failed, {m.Counts.Pending} pending), " +
        $"{m.ThroughputSentencesPerSecond:F1} sentences/s, oIoU {MetricsTable.Percent(m.OverallIou)}";
}
