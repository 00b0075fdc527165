using Microsoft.Extensions.Logging;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Queues;

namespace Vpd.Pipeline.Processing;

/// <summary>
/// Handles vpd-expressions-poison: a message the queue host gave up on becomes a failed row for each of its sentences
/// that has no succeeded row, so the run can complete and shows what failed and why. The reason says what is known:
/// the last error when the caller knows it (<c>vpd work</c> does), that the message could not be read when it cannot,
/// and otherwise that the host gave up on it.
/// </summary>
public sealed partial class PoisonHandler(MessageFailures failures, ILogger<PoisonHandler> logger)
{
    /// <summary>Why a readable message reached the poison queue when nobody passed the last error on (the Functions host does not).</summary>
    public const string HostGaveUpReason =
        "the queue host gave up on this message: processing failed on each of its allowed deliveries (maxDequeueCount), see the host's logs for the error";

    /// <param name="lastError">The last processing error when the caller knows it.</param>
    /// <returns>How many rows were written.</returns>
    public async Task<int> HandleAsync(string messageText, string? lastError, CancellationToken cancellationToken)
    {
        string reason;
        try
        {
            ExpressionMessage.Parse(messageText);
            reason = string.IsNullOrWhiteSpace(lastError)
                ? HostGaveUpReason
                : $"failed on each of its {QueueSettings.Default.MaxDequeueCount} allowed deliveries; last error: {lastError}";
        }
        catch (Exception e) when (e is InvalidDataException or InvalidIdException)
        {
            // Never processable: it was poisoned for being unreadable, not for failing repeatedly.
            reason = $"unreadable message moved to {PipelineQueues.ExpressionsPoison}: {e.Message}";
        }
        var rows = await failures.RecordAsync(messageText, reason, keepSucceeded: true, dequeueCount: 0, cancellationToken);
        LogPoison(rows, reason);
        return rows;
    }

    [LoggerMessage(EventId = 210, EventName = "PoisonRecorded", Level = LogLevel.Warning,
        Message = "poisoned vpd-expressions message recorded as {Rows} failed rows: {Reason}")]
    private partial void LogPoison(int rows, string reason);
}
