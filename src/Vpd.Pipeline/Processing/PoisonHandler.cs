namespace Vpd.Pipeline.Processing;

/// <summary>
/// Handles vpd-expressions-poison: a message the host gave up on (maxDequeueCount failures) becomes a
/// failed row for each of its sentences that has no succeeded row, so the run can complete and
/// <c>vpd metrics</c> shows what failed and why.
/// </summary>
public sealed class PoisonHandler(FailureRecorder failures)
{
    public const string DefaultReason = "exceeded max dequeue count";

    /// <param name="lastError">The last processing error when the caller knows it (the local worker does;
    /// the Functions host does not pass it on).</param>
    /// <returns>How many rows were written.</returns>
    public Task<int> HandleAsync(string messageText, string? lastError, CancellationToken cancellationToken)
    {
        var reason = string.IsNullOrWhiteSpace(lastError) ? DefaultReason : $"{DefaultReason}; last error: {lastError}";
        return failures.RecordAsync(messageText, reason, keepSucceeded: true, cancellationToken);
    }
}
