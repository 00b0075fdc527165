using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Queues;

namespace VpdFunctions.Functions;

/// <summary>
/// Segments one referred object per vpd-expressions message. Bad input becomes failed rows inside the processor and
/// the message completes; anything else throws, so the host retries it and, after maxDequeueCount (host.json), moves
/// it to vpd-expressions-poison.
/// </summary>
public sealed class SegmentExpression(ExpressionProcessor processor)
{
    [Function(nameof(SegmentExpression))]
    public async Task RunAsync(
        [QueueTrigger(PipelineQueues.Expressions, Connection = StorageSettings.ConnectionName)] QueueMessage message,
        CancellationToken cancellationToken) =>
        // The dequeue count is recorded with the rows, so a redelivery is visible in VpdSamples.
        await processor.ProcessAsync(message.MessageText, message.DequeueCount, cancellationToken);
}
