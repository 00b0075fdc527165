using System.Text.Json;
using Vpd.Model.Clip;
using Vpd.TestSupport;

namespace Vpd.Model.Tests.Clip;

public sealed class ClipTokenizerTests
{
    private static readonly Lazy<ClipTokenizer> Golden = new(() =>
        ClipTokenizer.FromFiles(RepoPaths.Golden("tokenizer", "vocab.json"), RepoPaths.Golden("tokenizer", "merges.txt")));

    public static TheoryData<int> CaseIndices()
    {
        // The case count is read from the file when it is there; one placeholder index otherwise, so the
        // theory still runs and skips with the missing-folder reason.
        var dir = RepoPaths.GoldenDirOrNull;
        var count = dir is null ? 1 : ReadCases(Path.Combine(dir, "tokenizer", "tokenizer_cases.json")).GetArrayLength();
        var data = new TheoryData<int>();
        for (var i = 0; i < count; i++)
        {
            data.Add(i);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(CaseIndices))]
    public void Encode_GoldenCase_MatchesBpeTokensIdsAndMasks(int index)
    {
        var cases = ReadCases(RepoPaths.Golden("tokenizer", "tokenizer_cases.json"));
        var c = cases[index];
        var sentence = c.GetProperty("sentence").GetString()!;
        var tokenizer = Golden.Value;

        Assert.Equal(Strings(c, "bpe_tokens"), tokenizer.BpeTokens(sentence));
        Assert.Equal(c.GetProperty("num_tokens_without_special").GetInt32(), tokenizer.EncodeWithoutSpecialTokens(sentence).Count);
        var short40 = tokenizer.Encode(sentence, Longs(c, "ids").Length);
        Assert.Equal(Longs(c, "ids"), short40.Ids);
        Assert.Equal(Longs(c, "attention_mask"), short40.AttentionMask);
        var long77 = tokenizer.Encode(sentence, Longs(c, "ids_77").Length);
        Assert.Equal(Longs(c, "ids_77"), long77.Ids);
        Assert.Equal(Longs(c, "attention_mask_77"), long77.AttentionMask);
    }

    [SkippableFact]
    public void Constructor_GoldenFiles_FindsSpecialIdsOfTheCasesFile()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.Golden("tokenizer", "tokenizer_cases.json")));
        var tokenizer = Golden.Value;

        Assert.Equal(doc.RootElement.GetProperty("bos_id").GetInt32(), tokenizer.StartOfTextId);
        Assert.Equal(doc.RootElement.GetProperty("eos_id").GetInt32(), tokenizer.EndOfTextId);
        Assert.Equal(doc.RootElement.GetProperty("pad_id").GetInt32(), tokenizer.EndOfTextId);
    }

    [SkippableFact]
    public void FromStrings_FileContents_EncodesLikeFromFiles()
    {
        var vocabPath = RepoPaths.Golden("tokenizer", "vocab.json");
        var mergesPath = RepoPaths.Golden("tokenizer", "merges.txt");
        var fromStrings = ClipTokenizer.FromStrings(File.ReadAllText(vocabPath), File.ReadAllText(mergesPath), "test strings");
        const string text = "the man's 2nd umbrella, top-right!!";

        Assert.Equal(Golden.Value.Encode(text, 40).Ids, fromStrings.Encode(text, 40).Ids);
        Assert.Equal(Golden.Value.VocabSize, fromStrings.VocabSize);
    }

    [Fact]
    public void FromStrings_MissingEndToken_ThrowsNamingSourceAndToken()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            ClipTokenizer.FromStrings("{\"a\": 0, \"<|startoftext|>\": 1}", "#version: 0.2\n", "model.safetensors"));

        Assert.Contains("model.safetensors", error.Message);
        Assert.Contains(ClipTokenizer.EndOfText, error.Message);
    }

    [Fact]
    public void FromStrings_MalformedMergeLine_ThrowsNamingLine()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            ClipTokenizer.FromStrings("{}", "#version: 0.2\na b c\n", "bad merges"));

        Assert.Contains("bad merges", error.Message);
        Assert.Contains("line 2", error.Message);
    }

    private static JsonElement ReadCases(string path) =>
        JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("cases");

    private static string[] Strings(JsonElement c, string name) =>
        c.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static long[] Longs(JsonElement c, string name) =>
        c.GetProperty(name).EnumerateArray().Select(e => e.GetInt64()).ToArray();
}
