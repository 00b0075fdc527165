using Microsoft.Extensions.Logging;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Aggregation;

/// <summary>
/// Handles vpd-aggregate-poison: a run whose aggregation check failed on every delivery gets no further checks, so the
/// failure is recorded on its VpdRuns row (and an unreadable message in the <c>_malformed</c> partition) rather than
/// the run waiting silently. Its results are safe in VpdSamples; <c>vpd aggregate --run</c> recomputes them any time.
/// </summary>
public sealed partial class AggregatePoisonHandler(PipelineStorage storage, TimeProvider time, ILogger<AggregatePoisonHandler> logger)
{
    public async Task HandleAsync(string messageText, string? lastError, CancellationToken cancellationToken)
    {
        var reason = "aggregation checks failed on each allowed delivery and stopped; run `vpd aggregate --run RUN` to recompute" +
                     (string.IsNullOrWhiteSpace(lastError) ? string.Empty : $"; last error: {lastError}");
        try
        {
            var message = AggregateMessage.Parse(messageText);
            await storage.Runs.RecordAggregationFailureAsync(message.Run, reason, time.GetUtcNow(), cancellationToken);
            LogRecorded(message.Run, reason);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidIdException)
        {
            await storage.Samples.RecordMalformedAsync(messageText, $"unreadable vpd-aggregate message: {e.Message}", time.GetUtcNow(), cancellationToken);
        }
    }

    [LoggerMessage(EventId = 310, EventName = "AggregationPoisoned", Level = LogLevel.Error, Message = "run {Run}: {Reason}")]
    private partial void LogRecorded(string run, string reason);
}
