using System.CommandLine;
using Vpd.Cli.Common;
using Vpd.Core.Contracts;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd metrics --run RUN</c>: prints a run's stored metrics (runs/{run}/metrics.json) in the layout of
/// the seed report's Table 1, with the counts that say how complete it is; <c>--json</c> prints the
/// stored document (fractions).
/// </summary>
public static class MetricsCommand
{
    public static Command Create()
    {
        var run = CommonOptions.Run();
        var json = CommonOptions.Json();
        var command = new Command("metrics", "Print a run's metrics: oIoU, P@0.5..0.9, mIoU and sentence counts") { run, json };
        var storage = StorageOptions.AddTo(command);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var runId = Ids.Validate(parse.GetValue(run)!, "--run");
            using var pipeline = CliPipeline.Create(storage.Create(parse), parse.InvocationConfiguration.Error, Microsoft.Extensions.Logging.LogLevel.Warning);
            var report = await RunReports.LoadAsync(pipeline.Storage, runId, cancellationToken);
            output.Write(parse.GetValue(json)
                ? System.Text.Encoding.UTF8.GetString(report.Metrics.ToUtf8Json()) + Environment.NewLine
                : MetricsTable.Render([report]));
            return ExitCodes.Ok;
        });
        return command;
    }
}
