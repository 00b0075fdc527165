using System.Text.Json;
using Azure.Data.Tables;
using Vpd.Core.Contracts;
using Vpd.Core.Metrics;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Aggregation;

/// <summary>
/// Recomputes a run's metrics from its whole VpdSamples partition (integer I and U; partial IoUs are
/// never averaged), writes runs/{run}/metrics.json and the VpdRuns row, and decides whether to check
/// again: not when every expected sentence is accounted for (complete), nor after
/// <see cref="AggregatorOptions.MaxChecksWithoutProgress"/> checks that saw nothing new (stalled).
/// </summary>
public sealed class RunAggregator(StorageClients storage, FailureRecorder failures, AggregatorOptions options, TimeProvider time)
{
    /// <summary>
    /// The Functions entry point for vpd-aggregate: aggregates and re-enqueues the next check with
    /// <see cref="AggregatorOptions.RecheckDelay"/>. Returns null for an unreadable message or unknown run,
    /// which is recorded in the <c>_malformed</c> partition instead.
    /// </summary>
    public async Task<AggregateOutcome?> HandleMessageAsync(string messageText, CancellationToken cancellationToken)
    {
        AggregateOutcome? outcome;
        try
        {
            outcome = await AggregateAsync(AggregateMessage.Parse(messageText), cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidIdException)
        {
            await failures.RecordMalformedAsync(messageText, $"vpd-aggregate message not processed: {e.Message}", cancellationToken);
            return null;
        }
        if (outcome.Next is not null)
        {
            await storage.AggregateQueue.SendMessageAsync(
                outcome.Next.ToJson(), options.RecheckDelay, TimeSpan.FromSeconds(-1), cancellationToken);
        }
        return outcome;
    }

    /// <summary>One check of a run. Does not enqueue anything; <see cref="AggregateOutcome.Next"/> says what to enqueue.</summary>
    /// <exception cref="InvalidDataException">The run has no manifest, or an invalid one.</exception>
    public async Task<AggregateOutcome> AggregateAsync(AggregateMessage message, CancellationToken cancellationToken)
    {
        var stored = await ManifestStore.LoadOrNullAsync(storage, message.Run, cancellationToken)
            ?? throw new InvalidDataException(
                $"unknown run '{message.Run}': no manifest at {storage.Names.RunsContainer}/{StorageLayout.ManifestBlob(message.Run)}");
        var samples = await ReadSamplesAsync(message.Run, cancellationToken);
        var previous = await storage.RunsTable.GetEntityIfExistsAsync<TableEntity>(
            StorageLayout.RunsPartition, message.Run, ["CompletedUtc"], cancellationToken);

        var accounted = samples.Succeeded + samples.Failed;
        var progressed = accounted > message.LastAccounted;
        var checksWithoutProgress = progressed ? 0 : message.ChecksWithoutProgress + 1;
        var now = time.GetUtcNow();
        var state = accounted >= stored.Manifest.ExpectedSentences
            ? RunState.Complete
            : checksWithoutProgress >= options.MaxChecksWithoutProgress ? RunState.Stalled : RunState.Running;
        var completed = state == RunState.Complete
            ? (previous.HasValue ? previous.Value!.GetDateTimeOffset("CompletedUtc") : null) ?? now
            : (DateTimeOffset?)null;

        var metrics = samples.ToMetrics(stored, state, now, completed);
        await WriteAsync(metrics, cancellationToken);
        var next = state == RunState.Running
            ? new AggregateMessage { Run = message.Run, LastAccounted = accounted, ChecksWithoutProgress = checksWithoutProgress }
            : null;
        return new AggregateOutcome(metrics, next);
    }

    private async Task<SampleSummary> ReadSamplesAsync(string run, CancellationToken cancellationToken)
    {
        var summary = new SampleSummary();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {run}");
        await foreach (var row in storage.Samples.QueryAsync<TableEntity>(
                           filter, select: ["Status", "I", "U", "Ms", "CompletedUtc"], cancellationToken: cancellationToken))
        {
            summary.Add(row);
        }
        return summary;
    }

    private async Task WriteAsync(RunMetrics metrics, CancellationToken cancellationToken)
    {
        await storage.Runs.GetBlobClient(StorageLayout.MetricsBlob(metrics.Run))
            .UploadAsync(new BinaryData(metrics.ToUtf8Json()), overwrite: true, cancellationToken);
        var row = new TableEntity(StorageLayout.RunsPartition, metrics.Run)
        {
            ["SchemaVersion"] = metrics.SchemaVersion,
            ["State"] = JsonNamingPolicy.CamelCase.ConvertName(metrics.State.ToString()),
            ["Expected"] = metrics.Counts.Expected,
            ["Succeeded"] = metrics.Counts.Succeeded,
            ["Failed"] = metrics.Counts.Failed,
            ["Pending"] = metrics.Counts.Pending,
            ["OIoU"] = metrics.OverallIou,
            ["MIoU"] = metrics.MeanIou,
            ["CumI"] = metrics.CumI,
            ["CumU"] = metrics.CumU,
            ["ThroughputSentencesPerSecond"] = metrics.ThroughputSentencesPerSecond,
            ["LatencyP50Ms"] = metrics.LatencyMs.P50,
            ["LatencyP90Ms"] = metrics.LatencyMs.P90,
            ["LatencyP99Ms"] = metrics.LatencyMs.P99,
            ["StartedUtc"] = metrics.StartedUtc,
            ["UpdatedUtc"] = metrics.UpdatedUtc,
            ["ManifestSha256"] = metrics.ManifestSha256,
        };
        if (metrics.CompletedUtc is { } completedUtc)
        {
            row["CompletedUtc"] = completedUtc;
        }
        foreach (var (key, value) in metrics.Precision)
        {
            row[$"P{key.Replace(".", string.Empty, StringComparison.Ordinal)}"] = value;
        }
        await storage.RunsTable.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }
}
