using ScottPlot;
using ReportFonts = Vpd.Reports.Drawing.ReportFonts;

namespace Vpd.Reports.Report;

/// <summary>
/// The report's charts, drawn by ScottPlot with the embedded font at twice the size the page shows them (sharp on
/// high-density screens). Bars are grouped by threshold or bin, one colour per run; the page lists the exact
/// values beside each chart.
/// </summary>
internal static class ReportCharts
{
    public const int Width = 640;
    public const int Height = 300;
    private const int Density = 2;

    public static Color RunColour(int run) => new ScottPlot.Palettes.Category10().GetColor(run);

    /// <summary>P@0.5 .. P@0.9 in percent, one bar per run in each threshold's group.</summary>
    public static byte[] Precision(IReadOnlyList<string> runTitles, IReadOnlyList<IReadOnlyList<double>> percent)
    {
        var labels = new[] { "P@0.5", "P@0.6", "P@0.7", "P@0.8", "P@0.9" };
        return Grouped(runTitles, percent, labels, "precision at IoU threshold (%)", "% of succeeded sentences", 100, showValues: runTitles.Count <= 3);
    }

    /// <summary>Share of succeeded sentences per IoU bin in percent, one bar per run in each bin's group.</summary>
    public static byte[] Histogram(IReadOnlyList<string> runTitles, IReadOnlyList<IReadOnlyList<double>> percent)
    {
        var labels = Enumerable.Range(0, IouHistogram.Bins).Select(IouHistogram.Label).ToArray();
        var top = Math.Max(10, Math.Ceiling(percent.SelectMany(p => p).DefaultIfEmpty(0).Max() / 10) * 10);
        return Grouped(runTitles, percent, labels, "IoU distribution", "% of succeeded sentences", top, showValues: false);
    }

    private static byte[] Grouped(
        IReadOnlyList<string> runTitles, IReadOnlyList<IReadOnlyList<double>> values, IReadOnlyList<string> groups,
        string title, string yLabel, double top, bool showValues)
    {
        ReportFonts.EnsureScottPlot();
        var plot = new Plot();
        plot.Font.Set(ReportFonts.Family);
        plot.ScaleFactor = Density;
        var slot = 0.8 / runTitles.Count;
        var bars = new List<Bar>();
        for (var r = 0; r < runTitles.Count; r++)
        {
            for (var g = 0; g < groups.Count; g++)
            {
                bars.Add(new Bar
                {
                    Position = g - 0.4 + (slot * (r + 0.5)),
                    Value = values[r][g],
                    Size = slot * 0.92,
                    FillColor = RunColour(r),
                    LineWidth = 0,
                    Label = showValues ? values[r][g].ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) : "",
                });
            }
            plot.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = runTitles[r], FillColor = RunColour(r) });
        }
        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 10;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, groups.Count).Select(g => (double)g).ToArray(), groups.ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.SetLimits(-0.6, groups.Count - 0.4, 0, top * 1.08);
        plot.Title(title, size: 14);
        plot.YLabel(yLabel, size: 12);
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        // Outside the data area, so no bar is ever hidden behind it.
        plot.ShowLegend(Edge.Right);
        return plot.GetImageBytes(Width * Density, Height * Density, ImageFormat.Png);
    }
}
