using Vpd.Model.Clip;
namespace Vpd.Tools.Clip;

/// <summary>
/// Makes a small CLIP-style vocabulary for a known word list (the Tiny model's synthetic dataset): the
/// 256 byte-unicode symbols and their <c>&lt;/w&gt;</c> forms, the merges that build each whole word,
/// then the start and end tokens as the two last ids. <see cref="ClipTokenizer"/> then encodes each
/// listed word as one token and anything else as smaller pieces.
/// </summary>
public static class ClipTokenizerBuilder
{
    /// <summary>Builds the tokenizer; words are cleaned and pre-tokenised like any text, so "Red ball" adds "red" and "ball".</summary>
    public static ClipTokenizer FromWords(IEnumerable<string> words)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var symbol in ByteUnicode.VocabularyOrder)
        {
            vocab.Add(symbol.ToString(), vocab.Count);
        }
        foreach (var symbol in ByteUnicode.VocabularyOrder)
        {
            vocab.Add(symbol + "</w>", vocab.Count);
        }
        var merges = new List<(string, string)>();
        // While merges are being added, a probe tokenizer needs the special names present; their ids do not matter.
        var probeVocab = new Dictionary<string, int>(vocab)
        {
            [ClipTokenizer.StartOfText] = -2,
            [ClipTokenizer.EndOfText] = -1,
        };
        var probe = new ClipTokenizer(probeVocab, merges, "word-list tokenizer");
        foreach (var word in words.SelectMany(w => probe.PreTokens(w)).Distinct(StringComparer.Ordinal))
        {
            // Appending merges after all existing ones never changes how earlier words are split:
            // BPE applies every lower-ranked merge first, and those already make each earlier word one
            // symbol. So extend the current split of this word left to right until it is one symbol.
            while (true)
            {
                var current = new ClipTokenizer(probeVocab, merges, "word-list tokenizer").BpeTokens(word);
                if (current.Count <= 1)
                {
                    break;
                }
                var merge = (current[0], current[1]);
                merges.Add(merge);
                var joined = current[0] + current[1];
                vocab.TryAdd(joined, vocab.Count);
                probeVocab.TryAdd(joined, vocab[joined]);
            }
        }
        vocab.Add(ClipTokenizer.StartOfText, vocab.Count);
        vocab.Add(ClipTokenizer.EndOfText, vocab.Count);
        return new ClipTokenizer(vocab, merges, "word-list tokenizer");
    }
}
