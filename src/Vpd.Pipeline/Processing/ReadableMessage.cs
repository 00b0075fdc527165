using System.Text.Json;
using Vpd.Core.Contracts;

namespace Vpd.Pipeline.Processing;

/// <summary>
/// What can still be read from a vpd-expressions message that failed full validation: its run, refId and sentence
/// indexes (with their text and sent_id where present), enough to record one failed row per sentence.
/// </summary>
internal sealed record ReadableMessage(string Run, string RefId, string? ImageId, IReadOnlyList<(int Index, Sentence? Sentence)> Sentences)
{
    /// <summary>Null when even that cannot be read.</summary>
    public static ReadableMessage? From(string messageText)
    {
        try
        {
            using var doc = JsonDocument.Parse(messageText);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !TryId(root, "run", out var run) || !TryId(root, "refId", out var refId) ||
                !root.TryGetProperty("sentences", out var sentences) || sentences.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            var found = new List<(int, Sentence?)>();
            foreach (var item in sentences.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("index", out var index) ||
                    !index.TryGetInt32(out var value) || value < 0)
                {
                    return null;
                }
                // A repeated index names the same row twice: one failed row records both.
                if (found.All(f => f.Item1 != value))
                {
                    found.Add((value, SentenceOrNull(item, value)));
                }
            }
            if (found.Count == 0)
            {
                return null;
            }
            string? imageId = TryId(root, "imageId", out var image) ? image : null;
            return new ReadableMessage(run, refId, imageId, found);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryId(JsonElement root, string name, out string value)
    {
        value = root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString()! : string.Empty;
        return Ids.IsValid(value);
    }

    private static Sentence? SentenceOrNull(JsonElement item, int index) =>
        item.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String &&
        item.TryGetProperty("sentId", out var sentId) && sentId.TryGetInt64(out var id)
            ? new Sentence(index, id, text.GetString()!)
            : null;
}
