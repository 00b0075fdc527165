using Microsoft.Azure.Functions.Worker;
using Vpd.Pipeline;

namespace VpdFunctions.Functions;

/// <summary>
/// Turns a message the host gave up on into failed rows, one per sentence, so the run accounts for it
/// instead of waiting for it forever.
/// </summary>
public sealed class HandlePoisonExpression(PipelineServices services)
{
    public const string Queue = "vpd-expressions-poison";

    [Function(nameof(HandlePoisonExpression))]
    public async Task RunAsync(
        [QueueTrigger(Queue, Connection = StorageSettings.ConnectionName)] string messageText,
        CancellationToken cancellationToken) =>
        // The host does not pass on the error that poisoned the message.
        await services.Poison.HandleAsync(messageText, lastError: null, cancellationToken);
}
