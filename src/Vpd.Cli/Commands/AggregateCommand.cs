using System.CommandLine;
using Microsoft.Extensions.Logging;
using Vpd.Cli.Common;
using Vpd.Core.Contracts;

namespace Vpd.Cli.Commands;

/// <summary><c>vpd aggregate --run RUN</c>: recomputes a run's metrics now (metrics.json and VpdRuns) and prints its state.</summary>
public static class AggregateCommand
{
    public static Command Create()
    {
        var run = CommonOptions.Run();
        var json = CommonOptions.Json();
        var command = new Command("aggregate", "Recompute a run's metrics now from its per-sentence results") { run, json };
        var storage = StorageOptions.AddTo(command);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var io = parse.InvocationConfiguration;
            var runId = Ids.Validate(parse.GetValue(run)!, "--run");
            using var pipeline = CliPipeline.Create(storage.Create(parse), io.Error, LogLevel.Warning);
            if (await pipeline.Storage.Runs.FindManifestAsync(runId, cancellationToken) is null)
            {
                throw new ArgumentException($"unknown run '{runId}': no manifest in {pipeline.Storage.Description}");
            }
            var metrics = (await pipeline.Aggregator.CheckAsync(new AggregateMessage { Run = runId }, cancellationToken)).Metrics;
            io.Output.WriteLine(parse.GetValue(json)
                ? System.Text.Encoding.UTF8.GetString(metrics.ToUtf8Json())
                : $"run {metrics.Run}: {MetricsTable.StateName(metrics.State)}; expected {metrics.Counts.Expected}, " +
                  $"succeeded {metrics.Counts.Succeeded}, failed {metrics.Counts.Failed}, pending {metrics.Counts.Pending}, foreign rows {metrics.Counts.Foreign}; " +
                  $"oIoU {MetricsTable.Percent(metrics.OverallIou)}, mIoU {MetricsTable.Percent(metrics.MeanIou)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
