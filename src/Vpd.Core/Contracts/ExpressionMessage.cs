using System.Text.Json;

namespace Vpd.Core.Contracts;

/// <summary>
/// The vpd-expressions queue message: referred objects of one image of a run, each with the sentences to segment.
/// One message per image (up to <see cref="MaxObjects"/> objects) keeps the queue short and lets a worker read and
/// encode the image once for all its objects. It names its inputs by id and content hash (the blobs' names derive
/// from both, so an input never changes under a pending run); the pixels stay in Blob Storage.
/// </summary>
public sealed record ExpressionMessage
{
    /// <summary>The most objects one message carries; an image with more is split over several messages.</summary>
    public const int MaxObjects = 16;

    public required string Run { get; init; }

    public required string Dataset { get; init; }

    public required string ImageId { get; init; }

    /// <summary>SHA-256 (lowercase hex) of the image file's bytes.</summary>
    public required string ImageSha256 { get; init; }

    public required IReadOnlyList<MessageObject> Objects { get; init; }

    /// <summary>Every sentence of the message, with its object.</summary>
    public IEnumerable<(MessageObject Object, Sentence Sentence)> AllSentences() =>
        Objects.SelectMany(o => o.Sentences.Select(s => (o, s)));

    public string ToJson() => JsonSerializer.Serialize(this, ContractJson.Options);

    /// <summary>Parses and validates a message.</summary>
    /// <exception cref="InvalidDataException">Not a message of this shape.</exception>
    /// <exception cref="InvalidIdException">A run, dataset, refId or imageId that is not a valid id, or a bad hash.</exception>
    public static ExpressionMessage Parse(string json)
    {
        var message = ContractJson.Parse<ExpressionMessage>(json, "vpd-expressions message");
        message.Validate();
        return message;
    }

    /// <summary>
    /// Checks ids, hashes, the object list and each sentence list. An empty sentence text is not an error here: it is
    /// bad input for that one sentence, recorded as a failed sample by the processor.
    /// </summary>
    public void Validate()
    {
        Ids.Validate(Run, "run");
        Ids.Validate(Dataset, "dataset");
        Ids.Validate(ImageId, "imageId");
        Ids.ValidateSha256(ImageSha256, "imageSha256");
        if (Objects.Count is 0 or > MaxObjects)
        {
            throw new InvalidDataException(
                $"message for run '{Run}', image '{ImageId}' has {Objects.Count} objects, expected 1 to {MaxObjects}");
        }
        var refIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in Objects)
        {
            if (o is null)
            {
                throw new InvalidDataException($"message for run '{Run}', image '{ImageId}' has a null object");
            }
            o.Validate(Run);
            if (!refIds.Add(o.RefId))
            {
                throw new InvalidDataException($"message for run '{Run}', image '{ImageId}' names refId '{o.RefId}' twice");
            }
        }
    }
}
