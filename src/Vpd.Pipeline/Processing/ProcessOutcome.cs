namespace Vpd.Pipeline.Processing;

/// <summary>What handling one vpd-expressions message recorded.</summary>
/// <param name="Succeeded">Sentences recorded as succeeded.</param>
/// <param name="Failed">Sentences (or unreadable messages) recorded as failed.</param>
/// <param name="Error">Why sentences failed, when they did.</param>
public sealed record ProcessOutcome(int Succeeded, int Failed, string? Error = null)
{
    public override string ToString() =>
        $"{Succeeded} succeeded, {Failed} failed" + (Error is null ? string.Empty : $": {Error}");
}
