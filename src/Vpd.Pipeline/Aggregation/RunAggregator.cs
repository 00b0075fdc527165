using Microsoft.Extensions.Logging;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Reports;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Aggregation;

/// <summary>
/// Recomputes a run's metrics from its result rows (integer I and U; partial IoUs are never averaged), counting only
/// the sentences of the run's own sentence set, writes metrics.json and the VpdRuns row, and decides whether to check
/// again: not when every expected sentence has a row (complete), nor after
/// <see cref="AggregatorOptions.MaxChecksWithoutProgress"/> checks that saw nothing new while no expression message
/// was waiting (stalled). The check that
/// finds a run complete or stalled also writes its HTML report (runs/{run}/report.html).
/// </summary>
public sealed partial class RunAggregator(
    PipelineStorage storage, ReportWriter reports, AggregatorOptions options, TimeProvider time, ILogger<RunAggregator> logger)
{
    public AggregatorOptions Options => options;

    /// <summary>
    /// The Functions entry point for vpd-aggregate: one check, and the next one enqueued with
    /// <see cref="AggregatorOptions.RecheckDelay"/>. Returns null for an unreadable message or unknown run, which is
    /// recorded in the <c>_malformed</c> partition instead.
    /// </summary>
    public async Task<AggregateOutcome?> HandleMessageAsync(string messageText, CancellationToken cancellationToken)
    {
        AggregateOutcome outcome;
        try
        {
            outcome = await CheckAsync(AggregateMessage.Parse(messageText), cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidIdException)
        {
            var reason = $"vpd-aggregate message not processed: {e.Message}";
            await storage.Samples.RecordMalformedAsync(messageText, reason, time.GetUtcNow(), cancellationToken);
            LogUnreadable(reason);
            return null;
        }
        if (outcome.Next is not null)
        {
            await storage.Runs.EnqueueAggregateAsync(outcome.Next, options.RecheckDelay, cancellationToken);
        }
        return outcome;
    }

    /// <summary>One check of a run. Enqueues nothing; <see cref="AggregateOutcome.Next"/> says what the next check carries.</summary>
    /// <exception cref="InvalidDataException">The run has no manifest or sentence set, or an invalid one.</exception>
    public async Task<AggregateOutcome> CheckAsync(AggregateMessage message, CancellationToken cancellationToken)
    {
        var stored = await storage.Runs.GetManifestAsync(message.Run, cancellationToken);
        var tally = await TallyAsync(stored, cancellationToken);

        var progressed = tally.Accounted > message.LastAccounted;
        // A run whose messages wait behind other runs' work is queued, not stalled: only checks that find the expressions
        // queue empty count towards the stall rule.
        var waiting = !progressed && await storage.ExpressionsWaitingAsync(cancellationToken) > 0;
        var checksWithoutProgress = progressed ? 0 : waiting ? message.ChecksWithoutProgress : message.ChecksWithoutProgress + 1;
        var now = time.GetUtcNow();
        var state = tally.Accounted >= stored.Manifest.ExpectedSentences
            ? RunState.Complete
            : checksWithoutProgress >= options.MaxChecksWithoutProgress ? RunState.Stalled : RunState.Running;
        var completed = state == RunState.Complete
            ? await storage.Runs.FindCompletedUtcAsync(message.Run, cancellationToken) ?? now
            : (DateTimeOffset?)null;

        var metrics = tally.ToMetrics(stored, state, now, completed);
        await storage.Runs.WriteMetricsAsync(metrics, cancellationToken);
        LogChecked(metrics.Run, metrics.State, metrics.Counts.Succeeded, metrics.Counts.Failed, metrics.Counts.Pending, metrics.Counts.Expected, metrics.Counts.Foreign);
        if (state != RunState.Running)
        {
            // The run's last check: its report goes beside its metrics (a failure here fails the check, which is retried).
            await reports.WriteAsync(metrics.Run, cancellationToken);
            return new AggregateOutcome(metrics, null);
        }
        return new AggregateOutcome(metrics, new AggregateMessage { Run = message.Run, LastAccounted = tally.Accounted, ChecksWithoutProgress = checksWithoutProgress });
    }

    /// <summary>The expected sentences of <paramref name="run"/> that have no result row yet.</summary>
    /// <exception cref="InvalidDataException">Unknown run.</exception>
    public async Task<IReadOnlyList<(RunObject Object, Sentence Sentence)>> MissingAsync(string run, CancellationToken cancellationToken)
    {
        var stored = await storage.Runs.GetManifestAsync(run, cancellationToken);
        return [.. (await TallyAsync(stored, cancellationToken)).Missing()];
    }

    private async Task<RunTally> TallyAsync(StoredManifest stored, CancellationToken cancellationToken)
    {
        var tally = new RunTally(await storage.Runs.GetObjectsAsync(stored, cancellationToken));
        await foreach (var row in storage.Samples.ReadRunAsync(stored.Manifest.Run, summaryOnly: true, cancellationToken))
        {
            tally.Add(row);
        }
        return tally;
    }

    [LoggerMessage(EventId = 300, EventName = "RunChecked", Level = LogLevel.Information,
        Message = "run {Run}: {State}, {Succeeded} succeeded, {Failed} failed, {Pending} pending of {Expected} ({Foreign} foreign rows)")]
    private partial void LogChecked(string run, RunState state, long succeeded, long failed, long pending, long expected, long foreign);

    [LoggerMessage(EventId = 301, EventName = "UnreadableAggregateMessage", Level = LogLevel.Warning, Message = "{Reason}")]
    private partial void LogUnreadable(string reason);
}
