using ScottPlot;
using Vpd.Reports.Report;
using static Vpd.Reports.Tests.PixelTestData;

namespace Vpd.Reports.Tests;

/// <summary>The charts draw the values they are given: each bar's top is where its value maps on the y axis.</summary>
public sealed class ReportChartsTests
{
    [Fact]
    public void GroupedPlot_KnownValues_EachBarReachesItsValueAndNoHigher()
    {
        string[] runs = ["T = 0", "T = 100"];
        double[][] values = [[80, 61.5, 40, 22.5, 7], [55, 50, 33.3, 10, 0]];
        var ticks = Enumerable.Range(0, 5).Select(g => ((double)g, $"g{g}")).ToArray();
        using var plot = ReportCharts.GroupedPlot(runs, values, 5, ticks, "t", "y", null, 100, showValues: false);

        using var bitmap = Decode(plot.GetImageBytes(ReportCharts.Width * 2, ReportCharts.Height * 2, ImageFormat.Png));

        var checkedBars = 0;
        for (var r = 0; r < runs.Length; r++)
        {
            var colour = ReportCharts.RunColour(r);
            for (var g = 0; g < 5; g++)
            {
                var value = values[r][g];
                // GetPixel maps data to the last render's image pixels (scale factor included); 1.5 points either side of the top.
                var x = g - 0.4 + ((r + 0.5) * 0.4);
                var below = plot.GetPixel(new Coordinates(x, value - 1.5));
                var above = plot.GetPixel(new Coordinates(x, value + 1.5));
                if (value > 2)
                {
                    Assert.Equal((colour.R, colour.G, colour.B), At(bitmap, (int)below.X, (int)below.Y));
                    checkedBars++;
                }
                Assert.NotEqual((colour.R, colour.G, colour.B), At(bitmap, (int)above.X, (int)above.Y));
            }
        }
        Assert.Equal(9, checkedBars);
    }

    [Fact]
    public void ScottPlot_ReportFamily_ResolvesToTheEmbeddedFont()
    {
        Vpd.Reports.Drawing.ReportFonts.EnsureScottPlot();

        var typeface = ScottPlot.Fonts.GetTypeface(Vpd.Reports.Drawing.ReportFonts.Family, bold: false, italic: false);

        // The embedded face, not a system lookup: a host without fonts then still gets axis text.
        Assert.Same(Vpd.Reports.Drawing.ReportFonts.Regular, typeface);
    }
}
