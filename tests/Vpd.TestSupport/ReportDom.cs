using System.Globalization;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Vpd.TestSupport;

/// <summary>The report parsed by AngleSharp's HTML5 parser, with the lookups the tests share.</summary>
public static class ReportDom
{
    public static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    public static double Value(IElement element) =>
        double.Parse(element.GetAttribute("data-value") ?? throw new InvalidDataException($"{element.OuterHtml} has no data-value"), CultureInfo.InvariantCulture);

    /// <summary>The cell of <paramref name="run"/>'s row in a table that carries <c>data-metric</c> / <c>data-key</c> = <paramref name="key"/>.</summary>
    public static IElement Cell(IElement table, string run, string attribute, string key) =>
        table.QuerySelectorAll("tr").Single(tr => tr.GetAttribute("data-run") == run)
            .QuerySelectorAll("td").Single(td => td.GetAttribute(attribute) == key);
}
