using System.Reflection;
using SkiaSharp;

namespace Vpd.Reports.Drawing;

/// <summary>
/// The one typeface every figure and chart draws text with: DejaVu Sans, embedded in this assembly. The
/// SkiaSharp build the product ships (NativeAssets.Linux.NoDependencies) has no fontconfig; on a host without
/// font files (a Functions container) the default typeface draws nothing, so the figures never ask the system.
/// </summary>
internal static class ReportFonts
{
    /// <summary>The family name charts ask ScottPlot for.</summary>
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<SKTypeface> RegularFace = new(() => Load("Vpd.Reports.Fonts.DejaVuSans.ttf"));
    private static readonly Lazy<SKTypeface> BoldFace = new(() => Load("Vpd.Reports.Fonts.DejaVuSans-Bold.ttf"));
    private static readonly Lazy<bool> ScottPlotRegistration = new(RegisterWithScottPlot);

    public static SKTypeface Regular => RegularFace.Value;

    public static SKTypeface Bold => BoldFace.Value;

    /// <summary>Makes ScottPlot resolve <see cref="Family"/> to the embedded faces (once per process).</summary>
    internal static void EnsureScottPlot() => _ = ScottPlotRegistration.Value;

    private static bool RegisterWithScottPlot()
    {
        ScottPlot.Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver());
        return true;
    }

    private static SKTypeface Load(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded font {resource} is missing from {typeof(ReportFonts).Assembly.GetName().Name}");
        return SKTypeface.FromStream(stream)
            ?? throw new InvalidOperationException($"embedded font {resource} could not be read by Skia");
    }

    private sealed class EmbeddedFontResolver : ScottPlot.IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, ScottPlot.FontWeight weight, ScottPlot.FontSlant slant, ScottPlot.FontSpacing spacing) =>
            fontName == Family ? (weight >= ScottPlot.FontWeight.SemiBold ? Bold : Regular) : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Family ? (bold ? Bold : Regular) : null;
    }
}
