using System.Globalization;
using System.Net;
using System.Text;

namespace Vpd.Reports.Report;

/// <summary>A minimal HTML writer: every text and attribute value goes through the encoder, nothing else writes markup.</summary>
internal sealed class Html
{
    private readonly StringBuilder builder = new();

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A number as data attributes carry it: shortest round-trip form, invariant culture.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Percent(double fraction) => (fraction * 100).ToString("0.00", CultureInfo.InvariantCulture);

    public static string Fixed(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    public static string DataUri(string mediaType, byte[] bytes) => $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";

    /// <summary>Opens <paramref name="tag"/> with attributes (null values are left out).</summary>
    public Html Open(string tag, params (string Name, string? Value)[] attributes)
    {
        builder.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is not null)
            {
                builder.Append(' ').Append(name).Append("=\"").Append(Encode(value)).Append('"');
            }
        }
        builder.Append('>');
        return this;
    }

    public Html Close(string tag)
    {
        builder.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>An element holding only text.</summary>
    public Html Element(string tag, string text, params (string Name, string? Value)[] attributes) =>
        Open(tag, attributes).Text(text).Close(tag);

    /// <summary>A void element (img, meta).</summary>
    public Html Void(string tag, params (string Name, string? Value)[] attributes) => Open(tag, attributes);

    public Html Text(string text)
    {
        builder.Append(Encode(text));
        return this;
    }

    /// <summary>Markup this library wrote itself (the doctype, the style sheet); never data.</summary>
    public Html Trusted(string markup)
    {
        builder.Append(markup);
        return this;
    }

    public Html Line()
    {
        builder.Append('\n');
        return this;
    }

    public override string ToString() => builder.ToString();
}
