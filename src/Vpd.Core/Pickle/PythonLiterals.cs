using System.Globalization;
using System.Text;

namespace Vpd.Core.Pickle;

/// <summary>Decoders for the text arguments of protocol-0 pickles (STRING's quoted repr, UNICODE's raw-unicode-escape).</summary>
internal static class PythonLiterals
{
    /// <summary>Decodes a Python 2 <c>repr</c> of a byte string ('...' or "...") into a Latin-1 string.</summary>
    public static string DecodeQuotedString(string literal, string source, long position)
    {
        if (literal.Length < 2 || literal[0] != literal[^1] || literal[0] is not ('\'' or '"'))
        {
            throw new InvalidDataException($"{source}: pickle STRING argument is not quoted (at byte {position})");
        }
        var body = literal[1..^1];
        var result = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c != '\\' || i + 1 >= body.Length)
            {
                result.Append(c);
                continue;
            }
            var e = body[++i];
            switch (e)
            {
                case 'n': result.Append('\n'); break;
                case 't': result.Append('\t'); break;
                case 'r': result.Append('\r'); break;
                case 'a': result.Append('\a'); break;
                case 'b': result.Append('\b'); break;
                case 'f': result.Append('\f'); break;
                case 'v': result.Append('\v'); break;
                case '\\': result.Append('\\'); break;
                case '\'': result.Append('\''); break;
                case '"': result.Append('"'); break;
                case 'x' when IsHex(body, i + 1, 2):
                    result.Append((char)int.Parse(body.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                case >= '0' and <= '7':
                    var end = i;
                    while (end < body.Length && end < i + 3 && body[end] is >= '0' and <= '7')
                    {
                        end++;
                    }
                    result.Append((char)(Convert.ToInt32(body[i..end], 8) & 0xFF));
                    i = end - 1;
                    break;
                default:
                    result.Append('\\').Append(e);
                    break;
            }
        }
        return result.ToString();
    }

    /// <summary>Decodes Python's raw-unicode-escape: only <c>\uXXXX</c> and <c>\UXXXXXXXX</c> are escapes, other bytes are Latin-1.</summary>
    public static string DecodeRawUnicodeEscape(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == 'u' && IsHex(text, i + 2, 4))
            {
                result.Append((char)int.Parse(text.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 5;
            }
            else if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] == 'U' && IsHex(text, i + 2, 8))
            {
                result.Append(char.ConvertFromUtf32(int.Parse(text.AsSpan(i + 2, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
                i += 9;
            }
            else
            {
                result.Append(text[i]);
            }
        }
        // The line was read as Latin-1 bytes; raw-unicode-escape stores non-escaped text as Latin-1 too.
        return result.ToString();
    }

    private static bool IsHex(string s, int start, int count)
    {
        if (start + count > s.Length)
        {
            return false;
        }
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiHexDigit(s[i]))
            {
                return false;
            }
        }
        return true;
    }
}
