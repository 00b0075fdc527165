using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Queues;

namespace Vpd.Pipeline.Worker;

/// <summary>How one queue's messages are handled: what <c>vpd work</c> runs for it, as the matching Function does.</summary>
/// <param name="Queue">The logical queue (<see cref="PipelineQueues"/>).</param>
/// <param name="Handle">Handles a decoded message (text, dequeue count, the last error known for it) and says what it did.</param>
/// <param name="Batched">Received in batches of <see cref="WorkerOptions.ReceiveBatchSize"/>.</param>
public sealed record QueueHandler(string Queue, Func<string, long, string?, CancellationToken, Task<string>> Handle, bool Batched = false);

/// <summary>
/// The handler of each queue, in the order a worker polls them (poison queues first, so failures are recorded before
/// new work is taken). The Functions app binds the same queues to the same services, one Function each.
/// </summary>
public sealed class QueueHandlers(
    ExpressionProcessor processor, PoisonHandler poison, RunAggregator aggregator, AggregatePoisonHandler aggregatePoison, MessageFailures failures)
{
    public IReadOnlyList<QueueHandler> All { get; } =
    [
        new(PipelineQueues.ExpressionsPoison, async (text, _, lastError, ct) => $"{await poison.HandleAsync(text, lastError, ct)} failed rows"),
        new(PipelineQueues.Expressions, async (text, dequeueCount, _, ct) => (await processor.ProcessAsync(text, dequeueCount, ct)).ToString(), Batched: true),
        new(PipelineQueues.AggregatePoison, async (text, _, lastError, ct) =>
        {
            await aggregatePoison.HandleAsync(text, lastError, ct);
            return "aggregation failure recorded";
        }),
        new(PipelineQueues.Aggregate, async (text, _, _, ct) => (await aggregator.HandleMessageAsync(text, ct))?.Metrics.State.ToString() ?? "unreadable"),
    ];

    /// <summary>A body that is not base64 can never be processed: recorded once, with that reason, instead of retried.</summary>
    public Task<int> RecordUndecodableAsync(string queue, string rawText, CancellationToken cancellationToken) =>
        failures.RecordAsync(
            rawText, $"{queue} message body is not base64, the encoding the pipeline's queues use (host.json messageEncoding)",
            keepSucceeded: true, dequeueCount: 1, cancellationToken);
}
