using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace Vpd.Model.Clip;

/// <summary>
/// CLIP's byte-level BPE tokenizer (Hugging Face <c>CLIPTokenizer</c> behaviour) built from a
/// <c>vocab.json</c> (symbol to id) and a <c>merges.txt</c> (one merge <c>A B</c> per line in priority
/// order after a <c>#version</c> header). The start and end tokens are looked up by name, so the same
/// code serves the real 49408-id vocabulary and the small ones <see cref="ClipTokenizerBuilder"/> makes.
/// </summary>
public sealed partial class ClipTokenizer
{
    /// <summary>Name of the start-of-text token.</summary>
    public const string StartOfText = "<|startoftext|>";

    /// <summary>Name of the end-of-text token (also the padding and unknown token).</summary>
    public const string EndOfText = "<|endoftext|>";

    private const string WordEnd = "</w>";

    private readonly Dictionary<string, int> _vocab;
    private readonly List<(string First, string Second)> _merges;
    private readonly Dictionary<(string, string), int> _ranks;
    private readonly Lazy<Dictionary<int, string>> _symbols;
    // Concurrent: one tokenizer instance may serve several requests at once.
    private readonly ConcurrentDictionary<string, string[]> _cache = new(StringComparer.Ordinal);

    /// <summary>Builds a tokenizer from a vocabulary and merges; <paramref name="source"/> names them in errors.</summary>
    public ClipTokenizer(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<(string First, string Second)> merges, string source)
    {
        _vocab = new Dictionary<string, int>(vocab, StringComparer.Ordinal);
        _merges = merges.ToList();
        _ranks = new Dictionary<(string, string), int>(_merges.Count);
        for (var i = 0; i < _merges.Count; i++)
        {
            // A repeated merge keeps its first (lowest) rank, as a Python dict built from pairs would not;
            // the CLIP merges have no repeats, so this only makes malformed files deterministic.
            _ranks.TryAdd(_merges[i], i);
        }
        // First symbol wins should a vocabulary repeat an id; a real one never does.
        _symbols = new Lazy<Dictionary<int, string>>(() =>
            _vocab.OrderBy(p => p.Key, StringComparer.Ordinal).GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.First().Key));
        StartOfTextId = LookupSpecial(StartOfText, source);
        EndOfTextId = LookupSpecial(EndOfText, source);
    }

    /// <summary>Id of <c>&lt;|startoftext|&gt;</c> (49406 in CLIP).</summary>
    public int StartOfTextId { get; }

    /// <summary>Id of <c>&lt;|endoftext|&gt;</c> (49407 in CLIP), also used for padding.</summary>
    public int EndOfTextId { get; }

    /// <summary>Number of vocabulary entries.</summary>
    public int VocabSize => _vocab.Count;

    /// <summary>Loads <c>vocab.json</c> and <c>merges.txt</c> in the Hugging Face layout.</summary>
    public static ClipTokenizer FromFiles(string vocabPath, string mergesPath)
    {
        var vocab = ParseVocab(File.ReadAllText(vocabPath), vocabPath);
        var merges = ParseMerges(File.ReadAllText(mergesPath), mergesPath);
        return new ClipTokenizer(vocab, merges, $"{vocabPath} + {mergesPath}");
    }

    /// <summary>
    /// Builds a tokenizer from the contents of the two files (the product keeps them in a model file's
    /// metadata); <paramref name="source"/> names the origin in errors.
    /// </summary>
    public static ClipTokenizer FromStrings(string vocabJson, string mergesText, string source)
    {
        var vocab = ParseVocab(vocabJson, source + " (vocab)");
        var merges = ParseMerges(mergesText, source + " (merges)");
        return new ClipTokenizer(vocab, merges, source);
    }

    /// <summary>The vocabulary as <c>vocab.json</c> text (entries in id order).</summary>
    public string ToVocabJson()
    {
        var ordered = _vocab.OrderBy(p => p.Value).ToDictionary(p => p.Key, p => p.Value);
        return JsonSerializer.Serialize(ordered);
    }

    /// <summary>The merges as <c>merges.txt</c> text, with its header line.</summary>
    public string ToMergesText()
    {
        var builder = new StringBuilder("#version: 0.2\n");
        foreach (var (first, second) in _merges)
        {
            builder.Append(first).Append(' ').Append(second).Append('\n');
        }
        return builder.ToString();
    }

    /// <summary>The BPE symbols of a text, before id lookup and without start/end tokens.</summary>
    public IReadOnlyList<string> BpeTokens(string text)
    {
        var result = new List<string>();
        foreach (Match match in PreTokenPattern().Matches(ClipTextCleaner.Clean(text)))
        {
            if (match.Value is StartOfText or EndOfText)
            {
                result.Add(match.Value);
                continue;
            }
            result.AddRange(Bpe(ByteUnicode.Encode(match.Value)));
        }
        return result;
    }

    /// <summary>
    /// The text of one token id, for display: the vocabulary symbol read back from CLIP's byte alphabet with the
    /// word-end marker dropped (<c>red&lt;/w&gt;</c> is "red"); the start and end tokens keep their names.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id that is not in the vocabulary.</exception>
    public string TokenText(long id)
    {
        if (id < int.MinValue || id > int.MaxValue || !_symbols.Value.TryGetValue((int)id, out var symbol))
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"token id {id} is not in the vocabulary ({VocabSize} ids)");
        }
        if (symbol is StartOfText or EndOfText)
        {
            return symbol;
        }
        var word = symbol.EndsWith(WordEnd, StringComparison.Ordinal) ? symbol[..^WordEnd.Length] : symbol;
        return ByteUnicode.Decode(word);
    }

    /// <summary>The pre-tokens (words, digits, punctuation runs, contractions) of the cleaned text, special tokens left out.</summary>
    internal IEnumerable<string> PreTokens(string text) =>
        PreTokenPattern().Matches(ClipTextCleaner.Clean(text))
            .Select(m => m.Value)
            .Where(v => v is not (StartOfText or EndOfText));

    /// <summary>The ids of a text's BPE symbols, without start/end tokens and untruncated.</summary>
    public IReadOnlyList<int> EncodeWithoutSpecialTokens(string text) =>
        // Hugging Face maps a symbol missing from the vocabulary to the unknown token, which is EOS in CLIP.
        BpeTokens(text).Select(symbol => _vocab.TryGetValue(symbol, out var id) ? id : EndOfTextId).ToList();

    /// <summary>
    /// VPD's convention: <c>[SOS] + first (length-2) ids + [EOS]</c>, right-padded with EOS to
    /// <paramref name="length"/>; the mask is 1 on SOS, text and EOS.
    /// </summary>
    public TokenizedText Encode(string text, int length)
    {
        if (length < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "token length must be at least 2 (start and end tokens)");
        }
        var textIds = EncodeWithoutSpecialTokens(text);
        var kept = Math.Min(textIds.Count, length - 2);
        var ids = new long[length];
        var mask = new long[length];
        ids[0] = StartOfTextId;
        for (var i = 0; i < kept; i++)
        {
            ids[i + 1] = textIds[i];
        }
        ids[kept + 1] = EndOfTextId;
        for (var i = kept + 2; i < length; i++)
        {
            ids[i] = EndOfTextId;
        }
        Array.Fill(mask, 1L, 0, kept + 2);
        return new TokenizedText(ids, mask);
    }

    /// <summary>Token ids of several texts as an int64 tensor <c>[B, length]</c>.</summary>
    public Tensor EncodeToTensor(IReadOnlyList<string> texts, int length)
    {
        var flat = new long[texts.Count * length];
        for (var i = 0; i < texts.Count; i++)
        {
            Encode(texts[i], length).Ids.CopyTo(flat, i * length);
        }
        return torch.tensor(flat, [texts.Count, length], ScalarType.Int64);
    }

    // Byte-pair encoding of one pre-token: start from characters (the last one carrying </w>) and
    // repeatedly merge every occurrence of the lowest-ranked adjacent pair.
    private string[] Bpe(string token)
    {
        if (_cache.TryGetValue(token, out var cached))
        {
            return cached;
        }
        var word = new List<string>(token.Length);
        for (var i = 0; i < token.Length - 1; i++)
        {
            word.Add(token[i].ToString());
        }
        word.Add(token[^1] + WordEnd);
        while (word.Count > 1)
        {
            var best = -1;
            (string, string) bestPair = default;
            for (var i = 0; i < word.Count - 1; i++)
            {
                if (_ranks.TryGetValue((word[i], word[i + 1]), out var rank) && (best < 0 || rank < best))
                {
                    best = rank;
                    bestPair = (word[i], word[i + 1]);
                }
            }
            if (best < 0)
            {
                break;
            }
            var merged = new List<string>(word.Count);
            for (var i = 0; i < word.Count; i++)
            {
                if (i < word.Count - 1 && word[i] == bestPair.Item1 && word[i + 1] == bestPair.Item2)
                {
                    merged.Add(bestPair.Item1 + bestPair.Item2);
                    i++;
                }
                else
                {
                    merged.Add(word[i]);
                }
            }
            word = merged;
        }
        var result = word.ToArray();
        _cache[token] = result;
        return result;
    }

    private int LookupSpecial(string name, string source) =>
        _vocab.TryGetValue(name, out var id)
            ? id
            : throw new InvalidDataException($"{source}: the vocabulary has no '{name}' entry");

    private static Dictionary<string, int> ParseVocab(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, int>>(json)
                ?? throw new InvalidDataException($"{source}: vocabulary JSON is null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: vocabulary is not a JSON object of symbol to id: {e.Message}", e);
        }
    }

    private static List<(string, string)> ParseMerges(string text, string source)
    {
        var merges = new List<(string, string)>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0 || (i == 0 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }
            var parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new InvalidDataException($"{source}: line {i + 1} is not a merge 'A B': '{line}'");
            }
            merges.Add((parts[0], parts[1]));
        }
        return merges;
    }

    // Special tokens, the English contractions, letter runs, single digits and runs of other non-space
    // characters; case-insensitive like the reference.
    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PreTokenPattern();
}
