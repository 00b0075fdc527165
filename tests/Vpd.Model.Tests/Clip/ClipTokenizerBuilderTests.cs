using System.Text.Json;
using Vpd.Model.Clip;
using Vpd.TestSupport;
using Vpd.Tools.Clip;

namespace Vpd.Model.Tests.Clip;

public sealed class ClipTokenizerBuilderTests
{
    private static readonly string[] Words =
    [
        "red", "green", "blue", "yellow", "big", "small", "left", "right", "top", "bottom", "circle", "square",
        "triangle", "ball", "box", "the", "a", "of", "on", "in", "reddish", "bluest", "o", "to", "tot", "cafe\u0301",
    ];

    [Fact]
    public void FromWords_EachWord_EncodesToOneOwnToken()
    {
        var tokenizer = ClipTokenizerBuilder.FromWords(Words);

        var ids = new HashSet<int>();
        foreach (var word in Words)
        {
            var encoded = tokenizer.EncodeWithoutSpecialTokens(word);
            Assert.Single(encoded);
            Assert.True(ids.Add(encoded[0]), $"'{word}' shares its id with another word");
            Assert.NotEqual(tokenizer.EndOfTextId, encoded[0]);
        }
    }

    [SkippableFact]
    public void FromWords_BaseSymbols_HaveTheIdsOfTheClipVocabulary()
    {
        var clip = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(RepoPaths.Golden("tokenizer", "vocab.json")))!;
        var built = JsonSerializer.Deserialize<Dictionary<string, int>>(ClipTokenizerBuilder.FromWords(Words).ToVocabJson())!;

        var clipBase = clip.Where(p => p.Value < 512).OrderBy(p => p.Value).ToList();
        var builtBase = built.Where(p => p.Value < 512).OrderBy(p => p.Value).ToList();

        Assert.Equal(512, clipBase.Count);
        Assert.Equal(clipBase, builtBase);
    }

    [Fact]
    public void FromWords_SpecialTokens_AreTheTwoLastIds()
    {
        var tokenizer = ClipTokenizerBuilder.FromWords(Words);

        Assert.Equal(tokenizer.VocabSize - 2, tokenizer.StartOfTextId);
        Assert.Equal(tokenizer.VocabSize - 1, tokenizer.EndOfTextId);
    }

    [Fact]
    public void FromWords_SentenceAndUnknownWord_UsesWordTokensAndFallsBackToPieces()
    {
        var tokenizer = ClipTokenizerBuilder.FromWords(Words);

        var encoded = tokenizer.Encode("The RED ball, zebra", 12);

        Assert.Equal(tokenizer.StartOfTextId, encoded.Ids[0]);
        Assert.Equal(tokenizer.EncodeWithoutSpecialTokens("the")[0], encoded.Ids[1]);
        Assert.Equal(tokenizer.EncodeWithoutSpecialTokens("red")[0], encoded.Ids[2]);
        Assert.Equal(tokenizer.EncodeWithoutSpecialTokens("ball")[0], encoded.Ids[3]);
        // "zebra" is not a listed word: it still encodes, as several byte-level pieces.
        Assert.True(tokenizer.EncodeWithoutSpecialTokens("zebra").Count > 1);
        Assert.Equal(tokenizer.EndOfTextId, encoded.Ids[^1]);
    }

    [Fact]
    public void EncodeToTensor_TwoTexts_GivesInt64RowsEqualToEncode()
    {
        var tokenizer = ClipTokenizerBuilder.FromWords(Words);
        string[] texts = ["red ball", "the big blue square on the left of the box"];

        var ids = tokenizer.EncodeToTensor(texts, 6);

        Assert.Equal([2L, 6L], ids.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Int64, ids.dtype);
        Assert.Equal(tokenizer.Encode(texts[0], 6).Ids, ids[0].data<long>().ToArray());
        Assert.Equal(tokenizer.Encode(texts[1], 6).Ids, ids[1].data<long>().ToArray());
        Assert.Equal(tokenizer.EndOfTextId, ids[1, 5].item<long>());
    }

    [Fact]
    public void ToVocabJsonAndMergesText_RoundTrip_GiveSameEncoding()
    {
        var tokenizer = ClipTokenizerBuilder.FromWords(Words);

        var copy = ClipTokenizer.FromStrings(tokenizer.ToVocabJson(), tokenizer.ToMergesText(), "round trip");

        foreach (var word in Words)
        {
            Assert.Equal(tokenizer.Encode(word, 8).Ids, copy.Encode(word, 8).Ids);
        }
        Assert.Equal(tokenizer.VocabSize, copy.VocabSize);
    }
}
