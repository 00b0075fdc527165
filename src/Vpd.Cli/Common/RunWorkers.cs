using Vpd.Core.Contracts;
using Vpd.Pipeline;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;

namespace Vpd.Cli.Common;

/// <summary>How a bounded <c>vpd work</c> ended.</summary>
/// <param name="Metrics">The run's last aggregation (null when not waiting for a run).</param>
/// <param name="Drained">The queues were empty while sentences were still pending: nothing left that could finish the run.</param>
public sealed record WorkEnd(RunMetrics? Metrics, bool Drained);

/// <summary>
/// Runs the local queue workers until a run is accounted for (<c>vpd work --run</c>, <c>vpd demo</c>,
/// <c>vpd bench pipeline</c>) or until the queues are idle (<c>--until-idle</c>).
/// </summary>
public static class RunWorkers
{
    /// <summary>How often the queues are checked.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Drained checks in a row after which a run with pending sentences is given up on.</summary>
    private const int DrainedChecksBeforeGivingUp = 8;

    /// <summary>
    /// Works until every expected sentence of <paramref name="run"/> is accounted for. Once the expression
    /// queues are empty the run is aggregated at once rather than after the aggregator's recheck delay; if
    /// the queues stay empty with sentences still pending (messages lost, or taken by a worker that died),
    /// it stops and says so rather than waiting forever.
    /// </summary>
    public static async Task<WorkEnd> UntilRunEndsAsync(
        PipelineServices services, WorkerOptions options, string run, IProgress<WorkerEvent>? events,
        IProgress<SentenceCounts>? counts, CancellationToken cancellationToken)
    {
        Ids.Validate(run, "--run");
        await using var workers = Start(services, options, events, cancellationToken);
        var drainedChecks = 0;
        long lastAccounted = -1;
        while (true)
        {
            await workers.DelayAsync(CheckInterval, cancellationToken);
            if (await QueueCountAsync(services.Storage, includeAggregate: false, cancellationToken) > 0)
            {
                drainedChecks = 0;
                if (counts is not null && await RunReports.LoadMetricsOrNullAsync(services.Storage, run, cancellationToken) is { } current)
                {
                    counts.Report(current.Counts);
                }
                continue;
            }
            var outcome = await services.Aggregator.AggregateAsync(new AggregateMessage { Run = run }, cancellationToken);
            counts?.Report(outcome.Metrics.Counts);
            if (outcome.IsComplete)
            {
                return new WorkEnd(outcome.Metrics, Drained: false);
            }
            var accounted = outcome.Metrics.Counts.Succeeded + outcome.Metrics.Counts.Failed;
            drainedChecks = accounted == lastAccounted ? drainedChecks + 1 : 0;
            lastAccounted = accounted;
            if (drainedChecks >= DrainedChecksBeforeGivingUp)
            {
                return new WorkEnd(outcome.Metrics, Drained: true);
            }
        }
    }

    /// <summary>Works until the expression, poison and aggregate queues are empty (delayed aggregate checks included) twice in a row.</summary>
    public static async Task<WorkEnd> UntilIdleAsync(
        PipelineServices services, WorkerOptions options, IProgress<WorkerEvent>? events, CancellationToken cancellationToken)
    {
        await using var workers = Start(services, options, events, cancellationToken);
        var emptyChecks = 0;
        while (emptyChecks < 2)
        {
            await workers.DelayAsync(CheckInterval, cancellationToken);
            emptyChecks = await QueueCountAsync(services.Storage, includeAggregate: true, cancellationToken) == 0 ? emptyChecks + 1 : 0;
        }
        return new WorkEnd(null, Drained: false);
    }

    /// <summary>Works until <paramref name="cancellationToken"/> is cancelled (Ctrl+C).</summary>
    public static async Task UntilCancelledAsync(
        PipelineServices services, WorkerOptions options, IProgress<WorkerEvent>? events, CancellationToken cancellationToken) =>
        await services.CreateWorker(options, events).RunAsync(cancellationToken);

    /// <summary>Messages in the queues, invisible ones (in progress or delayed) included.</summary>
    public static async Task<long> QueueCountAsync(StorageClients storage, bool includeAggregate, CancellationToken cancellationToken)
    {
        var queues = includeAggregate
            ? new[] { storage.ExpressionsQueue, storage.ExpressionsPoisonQueue, storage.AggregateQueue }
            : new[] { storage.ExpressionsQueue, storage.ExpressionsPoisonQueue };
        long total = 0;
        foreach (var queue in queues)
        {
            total += (await queue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }
        return total;
    }

    private static RunningWorkers Start(
        PipelineServices services, WorkerOptions options, IProgress<WorkerEvent>? events, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        return new RunningWorkers(stop, services.CreateWorker(options, events).RunAsync(stop.Token));
    }

    /// <summary>The worker task; stopped (and awaited, so a message in progress is released) on dispose.</summary>
    private sealed class RunningWorkers(CancellationTokenSource stop, Task running) : IAsyncDisposable
    {
        /// <summary>Waits, surfacing a worker that ended by itself (it only does by failing).</summary>
        public async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
        {
            await Task.WhenAny(running, Task.Delay(delay, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            if (running.IsCompleted)
            {
                await running;
                throw new InvalidOperationException("the workers stopped unexpectedly");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await running;
            stop.Dispose();
        }
    }
}
