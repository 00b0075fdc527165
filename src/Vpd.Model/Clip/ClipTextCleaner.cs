using System.Globalization;
using System.Text;

namespace Vpd.Model.Clip;

/// <summary>
/// The text clean-up Hugging Face's CLIPTokenizer applies before pre-tokenisation (its BasicTokenizer
/// without accent stripping or punctuation splitting): drop NUL, U+FFFD and control characters, turn
/// whitespace into spaces, put spaces around CJK ideographs, NFC-normalise, lower-case, and join the
/// whitespace-separated words with single spaces.
/// </summary>
internal static class ClipTextCleaner
{
    /// <summary>The cleaned, lower-cased text.</summary>
    public static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == 0 || rune.Value == 0xFFFD || IsControl(rune))
            {
                continue;
            }
            if (IsWhitespace(rune))
            {
                builder.Append(' ');
            }
            else if (IsCjkIdeograph(rune.Value))
            {
                builder.Append(' ').Append(rune.ToString()).Append(' ');
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }
        var normalized = builder.ToString().Normalize(NormalizationForm.FormC);
        var words = normalized.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', words.Select(w => w.ToLowerInvariant()));
    }

    // Tab, newline and carriage return count as whitespace, not control, as in the reference.
    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

    private static bool IsControl(Rune rune)
    {
        if (rune.Value is '\t' or '\n' or '\r')
        {
            return false;
        }
        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }

    private static bool IsCjkIdeograph(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF
            or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF
            or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
