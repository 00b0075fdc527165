using Microsoft.Azure.Functions.Worker;
using Vpd.Pipeline;

namespace VpdFunctions.Functions;

/// <summary>
/// Recomputes a run's metrics per vpd-aggregate message; the aggregator re-enqueues the next check
/// itself until the run is complete or stalled.
/// </summary>
public sealed class AggregateRun(PipelineServices services)
{
    public const string Queue = "vpd-aggregate";

    [Function(nameof(AggregateRun))]
    public async Task RunAsync(
        [QueueTrigger(Queue, Connection = StorageSettings.ConnectionName)] string messageText,
        CancellationToken cancellationToken) =>
        await services.Aggregator.HandleMessageAsync(messageText, cancellationToken);
}
