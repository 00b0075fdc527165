namespace Vpd.Reports.Drawing;

/// <summary>
/// The heat map's colours: ScottPlot's Inferno (perceptually uniform, black through purple and orange to pale
/// yellow), which stays apart from the green truth contour; read once into a 256-entry table.
/// </summary>
internal static class HeatColours
{
    private static readonly Rgb[] Table = Build();

    /// <summary>The colour of a value in 0..1 (clamped; NaN as 0).</summary>
    public static Rgb At(double fraction)
    {
        var clamped = double.IsNaN(fraction) ? 0 : Math.Clamp(fraction, 0, 1);
        return Table[(int)Math.Round(clamped * 255)];
    }

    private static Rgb[] Build()
    {
        var colormap = new ScottPlot.Colormaps.Inferno();
        return Enumerable.Range(0, 256).Select(i =>
        {
            var c = colormap.GetColor(i / 255.0);
            return new Rgb(c.R, c.G, c.B);
        }).ToArray();
    }
}
