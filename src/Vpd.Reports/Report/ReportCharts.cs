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
        var ticks = new[] { "P@0.5", "P@0.6", "P@0.7", "P@0.8", "P@0.9" }.Select((label, g) => (Position: (double)g, Label: label)).ToArray();
        return Grouped(runTitles, percent, ticks.Length, ticks, "precision at IoU threshold", "% of succeeded sentences", null, 100, showValues: runTitles.Count <= 3);
    }

    /// <summary>Share of succeeded sentences per IoU bin in percent, one bar per run in each bin's group.</summary>
    public static byte[] Histogram(IReadOnlyList<string> runTitles, IReadOnlyList<IReadOnlyList<double>> percent)
    {
        // A histogram's axis: ticks on the bin edges 0, 0.1, ..., 1 rather than a label per bar.
        var edges = Enumerable.Range(0, IouHistogram.Bins + 1)
            .Select(e => (Position: e - 0.5, Label: (e / 10.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var top = Math.Max(10, Math.Ceiling(percent.SelectMany(p => p).DefaultIfEmpty(0).Max() / 10) * 10);
        return Grouped(runTitles, percent, IouHistogram.Bins, edges, "IoU distribution", "% of succeeded sentences", "IoU", top, showValues: false);
    }

    private static byte[] Grouped(
        IReadOnlyList<string> runTitles, IReadOnlyList<IReadOnlyList<double>> values, int groups, IReadOnlyList<(double Position, string Label)> ticks,
        string title, string yLabel, string? xLabel, double top, bool showValues)
    {
        using var plot = GroupedPlot(runTitles, values, groups, ticks, title, yLabel, xLabel, top, showValues);
        return plot.GetImageBytes(Width * Density, Height * Density, ImageFormat.Png);
    }

    /// <summary>The chart before rendering: group g's bar of run r is centred at g - 0.4 + (r + 0.5) * 0.8 / runs.</summary>
    internal static Plot GroupedPlot(
        IReadOnlyList<string> runTitles, IReadOnlyList<IReadOnlyList<double>> values, int groups, IReadOnlyList<(double Position, string Label)> ticks,
        string title, string yLabel, string? xLabel, double top, bool showValues)
    {
        ReportFonts.EnsureScottPlot();
        var plot = new Plot();
        plot.Font.Set(ReportFonts.Family);
        plot.ScaleFactor = Density;
        var slot = 0.8 / runTitles.Count;
        var bars = new List<Bar>();
        for (var r = 0; r < runTitles.Count; r++)
        {
            for (var g = 0; g < groups; g++)
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
        plot.Axes.Bottom.SetTicks(ticks.Select(t => t.Position).ToArray(), ticks.Select(t => t.Label).ToArray());
        plot.Axes.SetLimits(-0.6, groups - 0.4, 0, top * 1.08);
        plot.Title(title, size: 14);
        plot.YLabel(yLabel, size: 12);
        if (xLabel is not null)
        {
            plot.XLabel(xLabel, size: 12);
        }
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;
        // Below the data area, so no bar is ever hidden behind it.
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
        return plot;
    }
}
