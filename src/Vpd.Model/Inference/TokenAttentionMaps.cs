using Vpd.Core.Attention;
using Vpd.Model.Clip;

namespace Vpd.Model.Inference;

/// <summary>Turns the model's <see cref="TokenAttention"/> (token ids) into the plain <see cref="AttentionMaps"/> that is stored and drawn.</summary>
public static class TokenAttentionMaps
{
    /// <summary>
    /// The maps of one sentence with each id's text and role. Roles come from the tokenizer's own encoding of
    /// <paramref name="sentence"/> (its attention mask marks start, text and end; the rest is padding), not from
    /// the ids alone: CLIP maps an unknown word to the end token's id, so an end id can sit inside the text.
    /// </summary>
    /// <exception cref="ArgumentException">The ids are not the tokenizer's encoding of <paramref name="sentence"/>.</exception>
    public static AttentionMaps ToAttentionMaps(this TokenAttention attention, ClipTokenizer tokenizer, string sentence)
    {
        ArgumentNullException.ThrowIfNull(attention);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(sentence);
        var ids = attention.TokenIds;
        var encoded = tokenizer.Encode(sentence, ids.Count);
        if (!encoded.Ids.SequenceEqual(ids))
        {
            throw new ArgumentException(
                $"the attention's {ids.Count} token ids are not the tokenizer's encoding of \"{sentence}\"", nameof(sentence));
        }
        var lastReal = Array.LastIndexOf(encoded.AttentionMask, 1L);
        var roles = new TokenRole[ids.Count];
        for (var i = 0; i < roles.Length; i++)
        {
            roles[i] = i == 0 ? TokenRole.Start
                : i < lastReal ? TokenRole.Text
                : i == lastReal ? TokenRole.End
                : TokenRole.Padding;
        }
        var tokens = ids.Select(tokenizer.TokenText).ToArray();
        var levels = attention.Maps.ToDictionary(pair => pair.Key, pair => pair.Value);
        return new AttentionMaps(tokens, roles, levels);
    }
}
