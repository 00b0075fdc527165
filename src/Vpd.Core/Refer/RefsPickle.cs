using System.Collections;
using System.Numerics;
using Razorvine.Pickle;

namespace Vpd.Core.Refer;

/// <summary>
/// Reads a <c>refs(splitBy).p</c> file: a Python pickle (any protocol) holding a list of dicts
/// with <c>ref_id</c>, <c>ann_id</c>, <c>image_id</c>, <c>split</c>, <c>sentences</c>
/// ([{<c>sent</c>, <c>raw</c>, <c>tokens</c>, <c>sent_id</c>}]) and <c>category_id</c>.
/// The opcodes are checked first (<see cref="PickleOpcodeScanner"/>), so no class is ever named.
/// </summary>
public static class RefsPickle
{
    /// <summary>Largest refs file accepted (RefCOCOg's, the largest real one, is about 30 MB).</summary>
    public const long MaxFileBytes = 1L << 30;

    public static IReadOnlyList<ReferRef> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"refs file not found: {path}", path);
        }
        var length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
        {
            throw new InvalidDataException($"{path}: refs file is {length} bytes, more than the {MaxFileBytes} accepted");
        }
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses pickle bytes; <paramref name="source"/> names them in errors.</summary>
    public static IReadOnlyList<ReferRef> Parse(byte[] pickle, string source)
    {
        PickleOpcodeScanner.RequirePlainData(pickle, source);
        object? root;
        try
        {
            using var unpickler = new Unpickler();
            root = unpickler.loads(pickle);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The opcodes were checked, so nothing ran: any failure here is a malformed stream.
            throw new InvalidDataException($"{source}: corrupt pickle: {e.Message}", e);
        }
        if (root is not IList list || root is Array)
        {
            throw new InvalidDataException(
                $"{source}: expected a pickled list of refs, found {Describe(root)}");
        }
        var refs = new List<ReferRef>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            refs.Add(ToRef(list[i], $"{source} ref #{i}"));
        }
        return refs;
    }

    private static ReferRef ToRef(object? item, string where)
    {
        if (item is not IDictionary dict)
        {
            throw new InvalidDataException($"{where}: expected a dict, found {Describe(item)}");
        }
        var refId = Integer(dict, "ref_id", where);
        where = $"{where} (ref_id {refId})";
        var sentencesValue = Required(dict, "sentences", where);
        if (sentencesValue is not IList sentenceList || sentencesValue is Array)
        {
            throw new InvalidDataException($"{where}: 'sentences' must be a list, found {Describe(sentencesValue)}");
        }
        var sentences = new List<ReferSentence>(sentenceList.Count);
        for (var s = 0; s < sentenceList.Count; s++)
        {
            sentences.Add(ToSentence(sentenceList[s], $"{where} sentence {s}"));
        }
        return new ReferRef(
            refId,
            Integer(dict, "ann_id", where),
            Integer(dict, "image_id", where),
            Text(dict, "split", where),
            dict.Contains("category_id") ? Integer(dict, "category_id", where) : 0,
            sentences);
    }

    private static ReferSentence ToSentence(object? item, string where)
    {
        if (item is not IDictionary dict)
        {
            throw new InvalidDataException($"{where}: expected a dict, found {Describe(item)}");
        }
        var sent = Text(dict, "sent", where);
        var raw = dict.Contains("raw") ? Text(dict, "raw", where) : sent;
        var tokens = new List<string>();
        if (dict.Contains("tokens"))
        {
            if (dict["tokens"] is not IList tokenList || dict["tokens"] is Array)
            {
                throw new InvalidDataException($"{where}: 'tokens' must be a list of strings");
            }
            foreach (var token in tokenList)
            {
                tokens.Add(token as string ?? throw new InvalidDataException($"{where}: 'tokens' must be a list of strings"));
            }
        }
        return new ReferSentence(Integer(dict, "sent_id", where), sent, raw, tokens);
    }

    private static object Required(IDictionary dict, string key, string where) =>
        dict.Contains(key) && dict[key] is { } value
            ? value
            : throw new InvalidDataException($"{where}: missing '{key}'");

    private static long Integer(IDictionary dict, string key, string where) => Required(dict, key, where) switch
    {
        int i => i,
        long l => l,
        BigInteger b when b >= long.MinValue && b <= long.MaxValue => (long)b,
        var other => throw new InvalidDataException($"{where}: '{key}' must be an integer, found {Describe(other)}"),
    };

    private static string Text(IDictionary dict, string key, string where) =>
        Required(dict, key, where) as string
        ?? throw new InvalidDataException($"{where}: '{key}' must be a string, found {Describe(dict[key])}");

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string => "a string",
        IDictionary => "a dict",
        Array => "a tuple",
        IList => "a list",
        _ => $"a {value.GetType().Name}",
    };
}
