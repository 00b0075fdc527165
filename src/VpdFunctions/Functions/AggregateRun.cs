using Microsoft.Azure.Functions.Worker;
using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Queues;

namespace VpdFunctions.Functions;

/// <summary>
/// Recomputes a run's metrics per vpd-aggregate message; the aggregator re-enqueues the next check itself until the
/// run is complete or stalled.
/// </summary>
public sealed class AggregateRun(RunAggregator aggregator)
{
    [Function(nameof(AggregateRun))]
    public async Task RunAsync(
        [QueueTrigger(PipelineQueues.Aggregate, Connection = StorageSettings.ConnectionName)] string messageText,
        CancellationToken cancellationToken) =>
        await aggregator.HandleMessageAsync(messageText, cancellationToken);
}
