using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Processing;

/// <summary>
/// Turns a vpd-expressions message that cannot be processed into failed rows, so that no sentence is ever silently
/// lost: each object of the message whose refId and sentence indexes can still be read (with the message's run) gets
/// one failed row per sentence in its run's partition (so it counts as failed there); a message with less readable
/// parts also becomes one <c>_malformed</c> row holding the message text.
/// </summary>
public sealed class MessageFailures(SampleStore samples, TimeProvider time)
{
    /// <param name="keepSucceeded">Leave sentences that already have a succeeded row alone (the poison path: a message
    /// may have failed after some of its work was recorded).</param>
    /// <returns>How many rows were written.</returns>
    public async Task<int> RecordAsync(string messageText, string reason, bool keepSucceeded, long dequeueCount, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var readable = ReadableMessage.From(messageText);
        if (readable is null || readable.SomeUnreadable)
        {
            await samples.RecordMalformedAsync(messageText, reason, now, cancellationToken);
        }
        if (readable is null)
        {
            return 1;
        }
        var rows = new List<SampleRow>();
        foreach (var o in readable.Objects)
        {
            foreach (var (index, sentence) in o.Sentences)
            {
                if (keepSucceeded && await samples.FindAsync(readable.Run, new(o.RefId, index), cancellationToken) is { Status: SampleStatus.Succeeded })
                {
                    continue;
                }
                rows.Add(SampleRow.Failed(readable.Run, o.RefId, index, sentence, readable.ImageId, reason, now, dequeueCount));
            }
        }
        await samples.UpsertAsync(rows, cancellationToken);
        return rows.Count + (readable.SomeUnreadable ? 1 : 0);
    }
}
