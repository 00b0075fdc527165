using System.Text.Json;
using Vpd.Model.Clip;

namespace Vpd.Tools.SelfTest;

/// <summary><c>tokenizer/</c>: BPE tokens, ids and attention masks of every sentence of <c>tokenizer_cases.json</c> at both lengths.</summary>
public sealed class TokenizerCase : ISelfTestCase
{
    public string Name => "tokenizer";

    public IReadOnlyList<string> Files { get; } = ["tokenizer/vocab.json", "tokenizer/merges.txt", "tokenizer/tokenizer_cases.json"];

    public IReadOnlyList<TensorCheck> Run(string goldenDir)
    {
        var tokenizer = ClipTokenizer.FromFiles(Path.Combine(goldenDir, Files[0]), Path.Combine(goldenDir, Files[1]));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(goldenDir, Files[2])));
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().ToList();
        var failures = new Dictionary<string, List<string>>
        {
            ["bpe_tokens"] = [], ["ids"] = [], ["attention_mask"] = [], ["ids_77"] = [], ["attention_mask_77"] = [],
        };
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var sentence = c.GetProperty("sentence").GetString() ?? "";
            var label = $"case {i} \"{(sentence.Length > 30 ? sentence[..30] + "..." : sentence)}\"";
            if (!Strings(c, "bpe_tokens").SequenceEqual(tokenizer.BpeTokens(sentence)))
            {
                failures["bpe_tokens"].Add(label);
            }
            foreach (var (idsKey, maskKey) in new[] { ("ids", "attention_mask"), ("ids_77", "attention_mask_77") })
            {
                var expectedIds = Longs(c, idsKey);
                var encoded = tokenizer.Encode(sentence, expectedIds.Length);
                if (!encoded.Ids.SequenceEqual(expectedIds))
                {
                    failures[idsKey].Add(label);
                }
                if (!encoded.AttentionMask.SequenceEqual(Longs(c, maskKey)))
                {
                    failures[maskKey].Add(label);
                }
            }
        }
        return failures.Select(pair => TensorCheck.Exact(Name, pair.Key, pair.Value.Count == 0 && cases.Count > 0,
            cases.Count == 0 ? "no cases in the file"
            : pair.Value.Count == 0 ? $"{cases.Count} cases equal"
            : $"{pair.Value.Count} of {cases.Count} cases differ: {string.Join(", ", pair.Value.Take(5))}")).ToList();
    }

    private static string[] Strings(JsonElement c, string name) => c.GetProperty(name).EnumerateArray().Select(e => e.GetString() ?? "").ToArray();

    private static long[] Longs(JsonElement c, string name) => c.GetProperty(name).EnumerateArray().Select(e => e.GetInt64()).ToArray();
}
