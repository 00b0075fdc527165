using Vpd.Reports.Figures;

namespace Vpd.Reports.Report;

/// <summary>What the run report shows and how many of each.</summary>
public sealed record ReportOptions
{
    public static ReportOptions Default { get; } = new();

    /// <summary>Sentences in each of the best, median and worst galleries of a run.</summary>
    public int GallerySize { get; init; } = 5;

    /// <summary>Samples shown side by side across runs (only with two runs or more).</summary>
    public int SideBySideSamples { get; init; } = 6;

    /// <summary>Worst sentences per run whose attention grids are shown, among those with stored attention.</summary>
    public int AttentionSamples { get; init; } = 2;

    /// <summary>The page's title; null makes one from the run ids.</summary>
    public string? Title { get; init; }

    /// <summary>When the report was made, printed in its header; null prints none (the report is then a pure function of its inputs).</summary>
    public DateTimeOffset? GeneratedUtc { get; init; }

    /// <summary>
    /// Side in pixels of the sample pictures embedded in the page; null takes S up to 256 (the model's own pixels,
    /// shown enlarged without smoothing) and 256 above (resampled); a tiny S (below 16) is enlarged by whole pixels
    /// to at least 16, the smallest picture a figure draws. Pages show them 256 CSS pixels wide.
    /// </summary>
    public int? PictureSide { get; init; }

    /// <summary>Colours and sizes of the pictures; the contour width is per 256 pixels of picture side.</summary>
    public FigureStyle Style { get; init; } = FigureStyle.Default;

    /// <summary>The side of the report's pictures of a run at resolution <paramref name="size"/>.</summary>
    public int PictureSideFor(int size) => PictureSide ?? (size < MinimumPictureSide ? size * (int)Math.Ceiling((double)MinimumPictureSide / size) : Math.Min(size, 256));

    private const int MinimumPictureSide = 16;

    /// <summary>The figure style for pictures of side <paramref name="side"/>: the contour scaled to the picture.</summary>
    internal FigureStyle StyleFor(int side) =>
        Style with { OverlaySide = side, ContourWidth = Math.Max(1, (int)Math.Round(Style.ContourWidth * side / 256.0)) };

    internal void Validate()
    {
        if (GallerySize is < 1 or > 100 || SideBySideSamples is < 0 or > 100 || AttentionSamples is < 0 or > 50)
        {
            throw new ArgumentException(
                $"report options out of range: gallery size {GallerySize} (1..100), side by side {SideBySideSamples} (0..100), attention {AttentionSamples} (0..50)");
        }
        if (PictureSide is < 16 or > 1024)
        {
            throw new ArgumentException($"report picture side must be 16..1024 pixels, got {PictureSide}");
        }
        Style.Validate();
    }
}
