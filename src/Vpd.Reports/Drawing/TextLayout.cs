using SkiaSharp;

namespace Vpd.Reports.Drawing;

/// <summary>Greedy word wrapping to a pixel width, cut with an ellipsis after a number of lines.</summary>
internal static class TextLayout
{
    private const string Ellipsis = "\u2026";

    /// <summary>The lines of <paramref name="text"/> (a newline starts a new line) at most <paramref name="width"/> pixels wide.</summary>
    public static IReadOnlyList<string> Wrap(string text, SKFont font, float width, int maxLines)
    {
        var lines = text.Split('\n').SelectMany(paragraph => WrapParagraph(paragraph, font, width)).ToList();
        if (lines.Count <= maxLines)
        {
            return lines;
        }
        var kept = lines.Take(maxLines).ToList();
        kept[^1] = Shorten(kept[^1] + " " + lines[maxLines], font, width);
        return kept;
    }

    private static List<string> WrapParagraph(string text, SKFont font, float width)
    {
        var lines = new List<string>();
        var current = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = current.Length == 0 ? word : current + " " + word;
            if (font.MeasureText(candidate) <= width)
            {
                current = candidate;
                continue;
            }
            if (current.Length > 0)
            {
                lines.Add(current);
            }
            current = word;
            // A word wider than the line is split by characters.
            while (font.MeasureText(current) > width && current.Length > 1)
            {
                var fit = Fit(current, font, width);
                lines.Add(current[..fit]);
                current = current[fit..];
            }
        }
        if (current.Length > 0)
        {
            lines.Add(current);
        }
        return lines;
    }

    /// <summary>The text cut to <paramref name="width"/> with an ellipsis, or unchanged when it fits.</summary>
    public static string Shorten(string text, SKFont font, float width)
    {
        if (font.MeasureText(text) <= width)
        {
            return text;
        }
        var end = text.Length;
        while (end > 0 && font.MeasureText(text[..end].TrimEnd() + Ellipsis) > width)
        {
            end--;
        }
        return text[..end].TrimEnd() + Ellipsis;
    }

    private static int Fit(string text, SKFont font, float width)
    {
        var n = 1;
        while (n < text.Length && font.MeasureText(text[..(n + 1)]) <= width)
        {
            n++;
        }
        return n;
    }
}
