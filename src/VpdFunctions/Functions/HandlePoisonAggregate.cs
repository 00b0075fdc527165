using Microsoft.Azure.Functions.Worker;
using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Queues;

namespace VpdFunctions.Functions;

/// <summary>
/// A run whose aggregation check failed on every delivery gets no more checks: its VpdRuns row records why, so the
/// run does not wait silently (its results are safe; <c>vpd aggregate --run</c> recomputes them).
/// </summary>
public sealed class HandlePoisonAggregate(AggregatePoisonHandler poison)
{
    [Function(nameof(HandlePoisonAggregate))]
    public async Task RunAsync(
        [QueueTrigger(PipelineQueues.AggregatePoison, Connection = StorageSettings.ConnectionName)] string messageText,
        CancellationToken cancellationToken) =>
        await poison.HandleAsync(messageText, lastError: null, cancellationToken);
}
