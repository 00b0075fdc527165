using Vpd.Core.Masks;

namespace Vpd.Model.Inference;

/// <summary>The result of segmenting one referred object: one mask per sentence, in order.</summary>
/// <param name="Masks">S x S masks, one per sentence.</param>
/// <param name="Attention">Per sentence, the averaged cross-attention maps (only when requested, else null).</param>
public sealed record ObjectSegmentation(IReadOnlyList<BinaryMask> Masks, IReadOnlyList<TokenAttention>? Attention);

/// <summary>
/// One sentence's averaged cross-attention maps per spatial side (S/16 and S/32): for side s,
/// <c>Maps[s]</c> holds <c>Tokens * s * s</c> floats, token-major, row-major within a token.
/// </summary>
/// <param name="TokenIds">The sentence's token ids (start, words, end, padding), one per map.</param>
public sealed record TokenAttention(IReadOnlyList<long> TokenIds, IReadOnlyDictionary<int, float[]> Maps)
{
    /// <summary>The s x s map of token <paramref name="token"/> at side <paramref name="side"/> (a copy).</summary>
    public float[] Map(int side, int token)
    {
        var all = Maps.TryGetValue(side, out var found)
            ? found
            : throw new ArgumentException($"no attention maps of side {side}; sides: {string.Join(", ", Maps.Keys)}", nameof(side));
        ArgumentOutOfRangeException.ThrowIfNegative(token);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(token, TokenIds.Count);
        return all.AsSpan(token * side * side, side * side).ToArray();
    }
}
