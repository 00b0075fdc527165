namespace Vpd.Model.Clip;

/// <summary>
/// GPT-2/CLIP "byte-unicode" alphabet: every UTF-8 byte maps to one printable character so that BPE
/// can work on text symbols without ever seeing whitespace or control characters. Printable Latin-1
/// bytes map to themselves; the other 68 bytes map to U+0100 upwards in byte order.
/// </summary>
internal static class ByteUnicode
{
    /// <summary>The character of each byte value (index = byte).</summary>
    public static IReadOnlyList<char> ByteToChar { get; } = BuildTable();

    /// <summary>
    /// The 256 characters in CLIP vocabulary order (ids 0-255): printable bytes first, then the
    /// remapped ones. The same order with <c>&lt;/w&gt;</c> appended gives ids 256-511.
    /// </summary>
    public static IReadOnlyList<char> VocabularyOrder { get; } = BuildOrder();

    /// <summary>The byte-unicode string of a text's UTF-8 bytes.</summary>
    public static string Encode(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = ByteToChar[bytes[i]];
        }
        return new string(chars);
    }

    /// <summary>
    /// The text whose UTF-8 bytes <paramref name="symbols"/> spell (the inverse of <see cref="Encode"/>). A symbol
    /// that is not in the alphabet, or bytes that are not whole UTF-8 (a token may hold part of a character), come
    /// back as U+FFFD.
    /// </summary>
    public static string Decode(string symbols)
    {
        var bytes = new List<byte>(symbols.Length);
        var replacement = System.Text.Encoding.UTF8.GetBytes("\uFFFD");
        foreach (var symbol in symbols)
        {
            if (CharToByte.TryGetValue(symbol, out var value))
            {
                bytes.Add(value);
            }
            else
            {
                bytes.AddRange(replacement);
            }
        }
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static readonly Dictionary<char, byte> CharToByte =
        Enumerable.Range(0, 256).ToDictionary(b => ByteToChar[b], b => (byte)b);

    private static bool IsPrintable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;

    private static char[] BuildTable()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            table[b] = IsPrintable(b) ? (char)b : (char)next++;
        }
        return table;
    }

    private static char[] BuildOrder()
    {
        var table = BuildTable();
        var printable = Enumerable.Range(0, 256).Where(IsPrintable);
        var others = Enumerable.Range(0, 256).Where(b => !IsPrintable(b));
        return printable.Concat(others).Select(b => table[b]).ToArray();
    }
}
