using Vpd.Reports.Drawing;

namespace Vpd.Reports.Figures;

/// <summary>
/// How the figures look. The defaults are what the docs show (docs/pictures.md): truth green, prediction red,
/// yellow where the two contours coincide, each 2 display pixels wide with a 1-pixel dark edge.
/// </summary>
public sealed record FigureStyle
{
    public static FigureStyle Default { get; } = new();

    /// <summary>Colour of the ground truth's contour.</summary>
    public Rgb TruthColour { get; init; } = new(0, 235, 0);

    /// <summary>Colour of the prediction's contour.</summary>
    public Rgb PredictionColour { get; init; } = new(255, 30, 30);

    /// <summary>Colour where the truth's and the prediction's contours coincide.</summary>
    public Rgb BothColour { get; init; } = new(255, 230, 0);

    /// <summary>Colour of the one-pixel edge on both sides of a contour; null for none.</summary>
    public Rgb? ContourEdge { get; init; } = new(0, 0, 0);

    /// <summary>Contour width in display pixels (the band of <see cref="MaskBoundary.Of"/> at the display size).</summary>
    public int ContourWidth { get; init; } = 2;

    /// <summary>
    /// Side of an overlay picture in pixels; null picks the smallest multiple of S that is at least 256 (S itself
    /// from 256 up), so small inputs are enlarged by whole pixels and nothing is resampled.
    /// </summary>
    public int? OverlaySide { get; init; }

    /// <summary>Side of one attention tile in pixels; null picks a whole multiple of S near 160 (S/2 or S/3 above 320).</summary>
    public int? AttentionSide { get; init; }

    /// <summary>Opacity of the heat map over the (greyed) image in attention tiles, 0..1.</summary>
    public double HeatOpacity { get; init; } = 0.6;

    /// <summary>Font size of captions and titles in pixels.</summary>
    public float FontSize { get; init; } = 13f;

    /// <summary>Most caption lines under a picture before the text is cut with an ellipsis.</summary>
    public int CaptionLines { get; init; } = 3;

    public int OverlaySideFor(int size) => OverlaySide ?? (size >= 256 ? size : size * (int)Math.Ceiling(256.0 / size));

    public int AttentionSideFor(int size) => AttentionSide ?? size switch
    {
        <= 160 => size * Math.Max(1, (int)Math.Round(160.0 / size)),
        <= 320 => size,
        <= 480 => size / 2,
        _ => size / 3,
    };

    internal void Validate()
    {
        if (ContourWidth is < 1 or > 16)
        {
            throw new ArgumentException($"contour width must be 1..16 pixels, got {ContourWidth}");
        }
        if (OverlaySide is < 16 or > 4096 || AttentionSide is < 16 or > 4096)
        {
            throw new ArgumentException("picture sides must be 16..4096 pixels");
        }
        if (HeatOpacity is < 0 or > 1 || double.IsNaN(HeatOpacity))
        {
            throw new ArgumentException($"heat opacity must be within 0..1, got {HeatOpacity}");
        }
        if (FontSize is < 6 or > 72 || CaptionLines is < 1 or > 20)
        {
            throw new ArgumentException("font size must be 6..72 and caption lines 1..20");
        }
    }
}
