using System.Text.Json;
using Vpd.Core.Contracts;

namespace Vpd.Pipeline.Processing;

/// <summary>
/// What can still be read from a vpd-expressions message that failed full validation: its run, image id and, for
/// each object whose refId and sentence indexes can be read, those (with text and sent_id where present): enough to
/// record one failed row per sentence.
/// </summary>
internal sealed record ReadableMessage(string Run, string? ImageId, IReadOnlyList<ReadableObject> Objects, bool SomeUnreadable)
{
    /// <summary>Null when not even the run and one object can be read.</summary>
    public static ReadableMessage? From(string messageText)
    {
        try
        {
            using var doc = JsonDocument.Parse(messageText);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !TryId(root, "run", out var run) ||
                !root.TryGetProperty("objects", out var objects) || objects.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            var found = new List<ReadableObject>();
            var unreadable = false;
            foreach (var item in objects.EnumerateArray())
            {
                if (ReadableObject.From(item) is { } readable && found.All(f => f.RefId != readable.RefId))
                {
                    found.Add(readable);
                }
                else
                {
                    unreadable = true;
                }
            }
            if (found.Count == 0)
            {
                return null;
            }
            string? imageId = TryId(root, "imageId", out var image) ? image : null;
            return new ReadableMessage(run, imageId, found, unreadable);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static bool TryId(JsonElement root, string name, out string value)
    {
        value = root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString()! : string.Empty;
        return Ids.IsValid(value);
    }
}

/// <summary>An object of a <see cref="ReadableMessage"/>: its refId and the sentence indexes that could be read.</summary>
internal sealed record ReadableObject(string RefId, IReadOnlyList<(int Index, Sentence? Sentence)> Sentences)
{
    public static ReadableObject? From(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || !ReadableMessage.TryId(item, "refId", out var refId) ||
            !item.TryGetProperty("sentences", out var sentences) || sentences.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var found = new List<(int, Sentence?)>();
        foreach (var sentence in sentences.EnumerateArray())
        {
            if (sentence.ValueKind != JsonValueKind.Object || !sentence.TryGetProperty("index", out var index) ||
                !index.TryGetInt32(out var value) || value < 0)
            {
                return null;
            }
            // A repeated index names the same row twice: one failed row records both.
            if (found.All(f => f.Item1 != value))
            {
                found.Add((value, SentenceOrNull(sentence, value)));
            }
        }
        return found.Count == 0 ? null : new ReadableObject(refId, found);
    }

    private static Sentence? SentenceOrNull(JsonElement item, int index) =>
        item.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String &&
        item.TryGetProperty("sentId", out var sentId) && sentId.TryGetInt64(out var id)
            ? new Sentence(index, id, text.GetString()!)
            : null;
}
