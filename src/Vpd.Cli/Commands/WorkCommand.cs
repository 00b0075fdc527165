using System.CommandLine;
using Microsoft.Extensions.Logging;
using Vpd.Cli.Common;
using Vpd.Pipeline.Hosting;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd work</c>: the local twin of the Functions app: polls the pipeline's queues with the same handlers and queue
/// settings until Ctrl+C, until the queues are idle (<c>--until-idle</c>), or until a run is complete or stalled
/// (<c>--run</c>). It logs what it does to standard error, the lines the Functions app sends to Application Insights.
/// </summary>
public static class WorkCommand
{
    public static Command Create()
    {
        var workers = CommonOptions.Workers();
        var untilIdle = new Option<bool>("--until-idle") { Description = "Stop when the queues are empty (delayed aggregation checks included)" };
        var run = new Option<string?>("--run") { Description = "Stop when this run is complete or stalled" };
        var batch = CommonOptions.ReceiveBatch();
        var device = new Option<string?>("--device")
        {
            Description = $"Device this host runs models on: cpu, cuda or cuda:N (default: ${HostSettings.DeviceSetting}, else cpu)",
        };
        var logLevel = CommonOptions.LogLevel(LogLevel.Information);
        var command = new Command("work", "Run queue workers in this process (the Functions app's local twin)")
        {
            workers, untilIdle, run, batch, device, logLevel,
        };
        var storage = StorageOptions.AddTo(command);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var io = parse.InvocationConfiguration;
            var options = new WorkerOptions { Concurrency = parse.GetValue(workers), ReceiveBatchSize = parse.GetValue(batch) };
            if (options.Concurrency is < 1 or > 64)
            {
                throw new ArgumentException($"--workers {options.Concurrency} must be within 1..64");
            }
            if (options.ReceiveBatchSize is < 1 or > 32)
            {
                throw new ArgumentException($"--receive-batch {options.ReceiveBatchSize} must be within 1..32");
            }
            var host = Host(parse.GetValue(device));
            HostDevice.EnsureAvailable(host);
            using var pipeline = CliPipeline.Create(storage.Create(parse, retry: StorageRetry.Service), io.Error, parse.GetValue(logLevel), o =>
            {
                o.Host = host;
                o.Worker = options;
            });
            await pipeline.Storage.EnsureCreatedAsync(cancellationToken);
            io.Output.WriteLine($"working on {pipeline.Storage.Description} with {options.Concurrency} worker(s) on {host.Device}");
            var runId = parse.GetValue(run);
            WorkEnd? end = null;
            if (runId is not null)
            {
                end = await RunWorkers.UntilRunEndsAsync(pipeline, runId, null, cancellationToken);
            }
            else if (parse.GetValue(untilIdle))
            {
                end = await RunWorkers.UntilIdleAsync(pipeline, cancellationToken);
            }
            else
            {
                await RunWorkers.UntilCancelledAsync(pipeline, cancellationToken);
            }
            io.Output.WriteLine(RunWorkers.Summary(pipeline.Worker));
            if (end?.Metrics is { } metrics)
            {
                io.Output.WriteLine(
                    $"run {metrics.Run}: {MetricsTable.StateName(metrics.State)}, {metrics.Counts.Succeeded} succeeded, " +
                    $"{metrics.Counts.Failed} failed, {metrics.Counts.Pending} pending of {metrics.Counts.Expected}");
                if (metrics.State != Vpd.Core.Contracts.RunState.Complete)
                {
                    io.Error.WriteLine(
                        $"run {metrics.Run} has {metrics.Counts.Pending} sentences without a result and no work left that could produce them: " +
                        $"`vpd missing --run {metrics.Run}` lists them; re-run `vpd enqueue` with the same options to queue exactly those again");
                    return ExitCodes.CheckFailed;
                }
            }
            return cancellationToken.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>This host's settings: its environment, with <c>--device</c> taking precedence.</summary>
    public static HostSettings Host(string? device)
    {
        var host = HostSettings.From(EnvironmentConfiguration.Current);
        return device is null ? host : host with { Device = device.Trim().ToLowerInvariant() };
    }
}
