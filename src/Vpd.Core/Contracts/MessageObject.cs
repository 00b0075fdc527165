namespace Vpd.Core.Contracts;

/// <summary>One referred object of a vpd-expressions message: its id, its truth mask's hash and the sentences to segment.</summary>
public sealed record MessageObject
{
    public required string RefId { get; init; }

    /// <summary>SHA-256 (lowercase hex) of the truth mask PNG's bytes (at the run's S x S).</summary>
    public required string TruthSha256 { get; init; }

    public required IReadOnlyList<Sentence> Sentences { get; init; }

    /// <summary>Whether the worker stores each sentence's averaged cross-attention maps beside its mask.</summary>
    public bool StoreAttention { get; init; }

    /// <summary>Checks the ids, the hash and the sentence indexes (present, non-negative, distinct).</summary>
    /// <exception cref="InvalidDataException">No, a null, a negative or a repeated sentence.</exception>
    /// <exception cref="InvalidIdException">A bad refId or hash.</exception>
    public void Validate(string run)
    {
        Ids.Validate(RefId, "refId");
        Ids.ValidateSha256(TruthSha256, "truthSha256");
        if (Sentences.Count == 0)
        {
            throw new InvalidDataException($"message for run '{run}', refId '{RefId}' has no sentences");
        }
        var seen = new HashSet<int>();
        foreach (var sentence in Sentences)
        {
            if (sentence is null)
            {
                throw new InvalidDataException($"message for run '{run}', refId '{RefId}' has a null sentence");
            }
            if (sentence.Index < 0 || !seen.Add(sentence.Index))
            {
                throw new InvalidDataException(
                    $"message for run '{run}', refId '{RefId}' has a negative or repeated sentence index {sentence.Index}");
            }
        }
    }
}
