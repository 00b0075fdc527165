using System.CommandLine;
using Vpd.Cli.Common;
using Vpd.Core.Contracts;
using Vpd.Pipeline;
using Vpd.Pipeline.Segmentation;

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
            var output = parse.InvocationConfiguration.Output;
            var runId = Ids.Validate(parse.GetValue(run)!, "--run");
            using var services = new PipelineServices(storage.Create(parse), new ThresholdSegmenter.Factory());
            var outcome = await services.Aggregator.AggregateAsync(new AggregateMessage { Run = runId }, cancellationToken);
            var metrics = outcome.Metrics;
            if (parse.GetValue(json))
            {
                output.WriteLine(System.Text.Encoding.UTF8.GetString(metrics.ToUtf8Json()));
            }
            else
            {
                output.WriteLine(
                    $"run {metrics.Run}: {MetricsTable.StateName(metrics.State)}; expected {metrics.Counts.Expected}, " +
                    $"succeeded {metrics.Counts.Succeeded}, failed {metrics.Counts.Failed}, pending {metrics.Counts.Pending}; " +
                    $"oIoU {MetricsTable.Percent(metrics.OverallIou)}, mIoU {MetricsTable.Percent(metrics.MeanIou)}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
