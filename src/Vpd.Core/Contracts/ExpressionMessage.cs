using System.Text.Json;

namespace Vpd.Core.Contracts;

/// <summary>
/// The vpd-expressions queue message: one referred object of a run, with the sentences to segment. It names its
/// inputs by id and content hash (the blobs' names derive from both, so an input never changes under a pending
/// run); the pixels stay in Blob Storage.
/// </summary>
public sealed record ExpressionMessage
{
    public required string Run { get; init; }

    public required string Dataset { get; init; }

    public required string RefId { get; init; }

    public required string ImageId { get; init; }

    public required IReadOnlyList<Sentence> Sentences { get; init; }

    /// <summary>SHA-256 (lowercase hex) of the image file's bytes.</summary>
    public required string ImageSha256 { get; init; }

    /// <summary>SHA-256 (lowercase hex) of the truth mask PNG's bytes (at the run's S x S).</summary>
    public required string TruthSha256 { get; init; }

    /// <summary>Whether the worker stores each sentence's averaged cross-attention maps beside its mask.</summary>
    public bool StoreAttention { get; init; }

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
    /// Checks ids, hashes and the sentence list. An empty sentence text is not an error here: it is bad input for
    /// that one sentence, recorded as a failed sample by the processor.
    /// </summary>
    public void Validate()
    {
        Ids.Validate(Run, "run");
        Ids.Validate(Dataset, "dataset");
        Ids.Validate(RefId, "refId");
        Ids.Validate(ImageId, "imageId");
        Ids.ValidateSha256(ImageSha256, "imageSha256");
        Ids.ValidateSha256(TruthSha256, "truthSha256");
        if (Sentences.Count == 0)
        {
            throw new InvalidDataException($"message for run '{Run}', refId '{RefId}' has no sentences");
        }
        var seen = new HashSet<int>();
        foreach (var sentence in Sentences)
        {
            if (sentence is null)
            {
                throw new InvalidDataException($"message for run '{Run}', refId '{RefId}' has a null sentence");
            }
            if (sentence.Index < 0 || !seen.Add(sentence.Index))
            {
                throw new InvalidDataException(
                    $"message for run '{Run}', refId '{RefId}' has a negative or repeated sentence index {sentence.Index}");
            }
        }
    }
}
