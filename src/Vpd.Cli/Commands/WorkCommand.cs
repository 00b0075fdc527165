using System.CommandLine;
using Vpd.Cli.Common;
using Vpd.Pipeline;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Worker;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd work</c>: the local stand-in for the Functions app: polls vpd-expressions, its poison queue
/// and vpd-aggregate with the host's semantics until Ctrl+C, until the queues are idle
/// (<c>--until-idle</c>), or until a run is accounted for (<c>--run</c>).
/// </summary>
public static class WorkCommand
{
    public static Command Create()
    {
        var workers = CommonOptions.Workers();
        var untilIdle = new Option<bool>("--until-idle") { Description = "Stop when the queues are empty (delayed aggregation checks included)" };
        var run = new Option<string?>("--run") { Description = "Stop when this run's expected sentences are all accounted for" };
        var segmenter = CommonOptions.Segmenter();
        var batch = CommonOptions.ReceiveBatch();
        var command = new Command("work", "Run queue workers in this process (the Functions app's local twin)")
        {
            workers, untilIdle, run, segmenter, batch,
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
            using var services = new PipelineServices(storage.Create(parse), Segmenters(SegmenterChoice.Validate(parse.GetValue(segmenter))));
            await services.Storage.EnsureCreatedAsync(cancellationToken);
            var events = new WorkerEventLines(io.Output);
            var runId = parse.GetValue(run);
            io.Output.WriteLine($"working on {services.Storage.ExpressionsQueue.Uri} with {options.Concurrency} worker(s)");
            WorkEnd? end = null;
            if (runId is not null)
            {
                end = await RunWorkers.UntilRunEndsAsync(services, options, runId, events, null, cancellationToken);
            }
            else if (parse.GetValue(untilIdle))
            {
                end = await RunWorkers.UntilIdleAsync(services, options, events, cancellationToken);
            }
            else
            {
                await RunWorkers.UntilCancelledAsync(services, options, events, cancellationToken);
            }
            io.Output.WriteLine(events.Summary());
            if (end?.Metrics is { } metrics)
            {
                io.Output.WriteLine(
                    $"run {metrics.Run}: {MetricsTable.StateName(metrics.State)}, {metrics.Counts.Succeeded} succeeded, " +
                    $"{metrics.Counts.Failed} failed, {metrics.Counts.Pending} pending of {metrics.Counts.Expected}");
                if (end.Drained)
                {
                    io.Error.WriteLine($"the queues are empty but run {metrics.Run} has {metrics.Counts.Pending} pending sentences: re-run `vpd enqueue` with the same options to queue them again");
                    return ExitCodes.CheckFailed;
                }
            }
            return cancellationToken.IsCancellationRequested ? ExitCodes.Cancelled : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The factory for <c>--segmenter</c>: the worker's (model runs and threshold runs) or threshold only.</summary>
    public static ISegmenterFactory Segmenters(string choice) =>
        choice == SegmenterChoice.Threshold ? new ThresholdSegmenter.Factory() : WorkerSegmenters.Create();
}
