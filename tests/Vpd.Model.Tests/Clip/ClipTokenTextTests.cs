using Vpd.Model.Clip;
using Vpd.TestSupport;
using Vpd.Tools.Clip;

namespace Vpd.Model.Tests.Clip;

public sealed class ClipTokenTextTests
{
    [Fact]
    public void TokenText_IdsOfASentence_GiveBackItsWordsAndTheSpecialNames()
    {
        var tokenizer = ClipTokenizerBuilder.FromWords(["the", "red", "circle", "caf\u00e9"]);

        var ids = tokenizer.Encode("the red caf\u00e9 circle", 8).Ids;

        Assert.Equal(
            ["<|startoftext|>", "the", "red", "caf\u00e9", "circle", "<|endoftext|>", "<|endoftext|>", "<|endoftext|>"],
            ids.Select(tokenizer.TokenText));
    }

    [Fact]
    public void TokenText_IdNotInVocabulary_ThrowsNamingIt()
    {
        var tokenizer = ClipTokenizerBuilder.FromWords(["red"]);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.TokenText(tokenizer.VocabSize + 5));

        Assert.Contains($"token id {tokenizer.VocabSize + 5}", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void TokenText_GoldenClipVocabulary_SubwordsAndWordEnds()
    {
        var tokenizer = ClipTokenizer.FromFiles(RepoPaths.Golden("tokenizer", "vocab.json"), RepoPaths.Golden("tokenizer", "merges.txt"));

        var ids = tokenizer.EncodeWithoutSpecialTokens("the giraffe's left ear");

        // Joined without separators, the pieces spell the words (CLIP drops spaces; </w> marks word ends).
        Assert.Equal("thegiraffe'sleftear", string.Concat(ids.Select(id => tokenizer.TokenText(id))));
        Assert.Equal("<|startoftext|>", tokenizer.TokenText(tokenizer.StartOfTextId));
    }
}
