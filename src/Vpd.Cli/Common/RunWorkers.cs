using Vpd.Core.Contracts;
using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Worker;

namespace Vpd.Cli.Common;

/// <summary>How a bounded <c>vpd work</c> ended.</summary>
/// <param name="Metrics">The run's last aggregation (null when not waiting for a run).</param>
public sealed record WorkEnd(RunMetrics? Metrics);

/// <summary>
/// Runs the local queue workers until a run is accounted for (<c>vpd work --run</c>, <c>vpd demo</c>,
/// <c>vpd bench pipeline</c>), until the queues are idle (<c>--until-idle</c>), or until cancelled.
/// </summary>
public static class RunWorkers
{
    /// <summary>How often the queues are checked.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Works until <paramref name="run"/> is complete or stalled. While messages are queued the run's stored metrics
    /// report progress; once the expression queues are empty the run is checked at once rather than after the
    /// aggregator's recheck delay, and the aggregator's own rule decides when a run that no longer moves is stalled
    /// (messages lost, or taken by a worker that died).
    /// </summary>
    public static async Task<WorkEnd> UntilRunEndsAsync(
        CliPipeline pipeline, string run, IProgress<SentenceCounts>? counts, CancellationToken cancellationToken) =>
        new((await UntilRunsEndAsync(pipeline, [run], counts, cancellationToken))[run]);

    /// <summary>
    /// Works until every run of <paramref name="runs"/> is complete or stalled, in one worker session (so the runs share
    /// one model cache and its latents); <paramref name="counts"/> gets the runs' counts summed.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, RunMetrics>> UntilRunsEndAsync(
        CliPipeline pipeline, IReadOnlyList<string> runs, IProgress<SentenceCounts>? counts, CancellationToken cancellationToken)
    {
        foreach (var run in runs)
        {
            Ids.Validate(run, "--run");
        }
        await using var workers = Start(pipeline, cancellationToken);
        var checks = runs.ToDictionary(run => run, run => new AggregateMessage { Run = run }, StringComparer.Ordinal);
        var ended = new Dictionary<string, RunMetrics>(StringComparer.Ordinal);
        var latest = new Dictionary<string, SentenceCounts>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            // Until the aggregator's first metrics, the run's sentence set says how many are expected.
            var objects = await pipeline.Storage.Runs.GetObjectsAsync(await pipeline.Storage.Runs.GetManifestAsync(run, cancellationToken), cancellationToken);
            latest[run] = new SentenceCounts(objects.SentenceCount, 0, 0, objects.SentenceCount, 0);
        }
        counts?.Report(Sum(latest.Values));
        while (ended.Count < runs.Count)
        {
            await workers.DelayAsync(CheckInterval, cancellationToken);
            if (await pipeline.Storage.QueuedMessagesAsync(includeAggregate: false, cancellationToken) > 0)
            {
                if (counts is not null)
                {
                    foreach (var run in runs)
                    {
                        if (!ended.ContainsKey(run) && await pipeline.Storage.Runs.FindMetricsAsync(run, cancellationToken) is { } current)
                        {
                            latest[run] = current.Counts;
                        }
                    }
                    counts.Report(Sum(latest.Values));
                }
                continue;
            }
            foreach (var run in runs.Where(r => !ended.ContainsKey(r)))
            {
                var outcome = await pipeline.Aggregator.CheckAsync(checks[run], cancellationToken);
                latest[run] = outcome.Metrics.Counts;
                if (outcome.IsFinal)
                {
                    ended[run] = outcome.Metrics;
                }
                else
                {
                    checks[run] = outcome.Next!;
                }
            }
            counts?.Report(Sum(latest.Values));
        }
        return ended;
    }

    private static SentenceCounts Sum(IEnumerable<SentenceCounts> counts) =>
        counts.Aggregate(new SentenceCounts(0, 0, 0, 0, 0), (a, b) =>
            new SentenceCounts(a.Expected + b.Expected, a.Succeeded + b.Succeeded, a.Failed + b.Failed, a.Pending + b.Pending, a.Foreign + b.Foreign));

    /// <summary>Works until the pipeline's queues are empty (delayed aggregate checks included) twice in a row.</summary>
    public static async Task<WorkEnd> UntilIdleAsync(CliPipeline pipeline, CancellationToken cancellationToken)
    {
        await using var workers = Start(pipeline, cancellationToken);
        var emptyChecks = 0;
        while (emptyChecks < 2)
        {
            await workers.DelayAsync(CheckInterval, cancellationToken);
            emptyChecks = await pipeline.Storage.QueuedMessagesAsync(includeAggregate: true, cancellationToken) == 0 ? emptyChecks + 1 : 0;
        }
        return new WorkEnd(null);
    }

    /// <summary>Works until <paramref name="cancellationToken"/> is cancelled (Ctrl+C).</summary>
    public static Task UntilCancelledAsync(CliPipeline pipeline, CancellationToken cancellationToken) => pipeline.Worker.RunAsync(cancellationToken);

    /// <summary>The closing line of a worker's session.</summary>
    public static string Summary(LocalQueueWorker worker) =>
        $"messages: {worker.Handled} handled, {worker.Retried} retried, {worker.Poisoned} poisoned";

    private static RunningWorkers Start(CliPipeline pipeline, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        return new RunningWorkers(stop, pipeline.Worker.RunAsync(stop.Token));
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
