using Microsoft.Azure.Functions.Worker;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Queues;

namespace VpdFunctions.Functions;

/// <summary>
/// Turns a message the host gave up on into failed rows, one per sentence, so the run accounts for it instead of
/// waiting for it forever.
/// </summary>
public sealed class HandlePoisonExpression(PoisonHandler poison)
{
    [Function(nameof(HandlePoisonExpression))]
    public async Task RunAsync(
        [QueueTrigger(PipelineQueues.ExpressionsPoison, Connection = StorageSettings.ConnectionName)] string messageText,
        CancellationToken cancellationToken) =>
        // The host does not pass on the error that poisoned the message.
        await poison.HandleAsync(messageText, lastError: null, cancellationToken);
}
