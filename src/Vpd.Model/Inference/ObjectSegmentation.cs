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

/// <summary>One referred object to segment.</summary>
/// <param name="ImageId">The image's id: seeds its noise together with the noise seed.</param>
/// <param name="Image">The model input (3*S*S floats, CHW, [-1, 1]), produced only when the latents are not cached.</param>
/// <param name="Sentences">The object's sentences, each segmented on its own unless the options batch them.</param>
/// <param name="WithAttention">Return each sentence's averaged cross-attention maps too.</param>
/// <param name="LatentKey">What the clean latents are cached under (default: the image id); give the image's content hash when ids may repeat across datasets.</param>
/// <param name="NoiseStep">This object's noise step (default: the options').</param>
/// <param name="NoiseSeed">This object's noise seed (default: the options').</param>
public sealed record ObjectRequest(
    string ImageId, Func<float[]> Image, IReadOnlyList<string> Sentences, bool WithAttention = false,
    string? LatentKey = null, int? NoiseStep = null, long? NoiseSeed = null);
