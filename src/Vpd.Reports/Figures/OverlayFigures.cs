using Vpd.Core.Imaging;
using Vpd.Reports.Drawing;

namespace Vpd.Reports.Figures;

/// <summary>
/// The seed report's qualitative figures (Figs. 3-8) as PNG bytes: the image as the model saw it with the ground
/// truth's contour in green and the prediction's in red, captioned with the sentence and the IoU. Drawn from
/// stored images and masks; no model involved.
/// </summary>
public static class OverlayFigures
{
    /// <summary>The overlay picture alone (no caption), <see cref="FigureStyle.OverlaySideFor"/> pixels square.</summary>
    public static byte[] Picture(SampleView sample, SamplePrediction prediction, FigureStyle? style = null)
    {
        style = Checked(style);
        prediction.CheckFits(sample, "overlay");
        return Png.Encode(OverlayPainter.Paint(sample, prediction, style.OverlaySideFor(sample.Size), style));
    }

    /// <summary>One captioned tile: the overlay, the sentence, the IoU and the sample's label, with a legend.</summary>
    public static byte[] Tile(SampleView sample, SamplePrediction prediction, FigureStyle? style = null) =>
        Grid([new FigureSample(sample, prediction)], columns: 1, style);

    /// <summary>N samples in a grid of <paramref name="columns"/> columns, each captioned.</summary>
    public static byte[] Grid(IReadOnlyList<FigureSample> samples, int columns = 4, FigureStyle? style = null, string? heading = null)
    {
        using var figure = ComposeGrid(samples, columns, Checked(style), heading);
        return figure.ToPng();
    }

    /// <summary>
    /// The same samples across runs: one row per sample, one column per run (its label as the column title), the
    /// sentence as the row title and each run's IoU under its picture.
    /// </summary>
    public static byte[] AcrossRuns(IReadOnlyList<SampleView> samples, IReadOnlyList<RunPredictions> runs, FigureStyle? style = null, string? heading = null)
    {
        using var figure = ComposeAcrossRuns(samples, runs, Checked(style), heading);
        return figure.ToPng();
    }

    internal static ComposedFigure ComposeGrid(IReadOnlyList<FigureSample> samples, int columns, FigureStyle style, string? heading)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (samples.Count == 0)
        {
            throw new ArgumentException("an overlay grid needs at least one sample", nameof(samples));
        }
        var cells = samples.Select((s, i) =>
        {
            s.Prediction.CheckFits(s.Sample, $"sample {i}");
            return (GridCell?)new GridCell(
                OverlayPainter.Paint(s.Sample, s.Prediction, style.OverlaySideFor(s.Sample.Size), style),
                Caption: Captions.Overlay(s.Sample, s.Prediction));
        }).ToList();
        var rows = cells.Chunk(Math.Min(columns, cells.Count)).Select(chunk => (IReadOnlyList<GridCell?>)chunk).ToList();
        return new GridFigure(style) { Heading = heading, Legend = Captions.ContourLegend(style) }.Render(rows);
    }

    internal static ComposedFigure ComposeAcrossRuns(IReadOnlyList<SampleView> samples, IReadOnlyList<RunPredictions> runs, FigureStyle style, string? heading)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(runs);
        if (samples.Count == 0 || runs.Count == 0)
        {
            throw new ArgumentException("a side-by-side figure needs at least one sample and one run");
        }
        foreach (var run in runs)
        {
            if (run.Predictions.Count != samples.Count)
            {
                throw new ArgumentException($"run '{run.Label}' has {run.Predictions.Count} predictions for {samples.Count} samples", nameof(runs));
            }
        }
        var rows = samples.Select((sample, i) => (IReadOnlyList<GridCell?>)runs.Select(run =>
        {
            var prediction = run.Predictions[i];
            prediction.CheckFits(sample, $"run '{run.Label}', sample {i}");
            return (GridCell?)new GridCell(
                OverlayPainter.Paint(sample, prediction, style.OverlaySideFor(sample.Size), style),
                Caption: [new CaptionLine(Captions.Iou(prediction), Muted: prediction.Iou is null)]);
        }).ToList()).ToList();
        return new GridFigure(style)
        {
            Heading = heading,
            ColumnTitles = runs.Select(r => r.Label).ToList(),
            RowTitles = samples.Select(s => s.Label is null ? s.Sentence : $"{s.Sentence} ({s.Label})").ToList(),
            Legend = Captions.ContourLegend(style),
        }.Render(rows);
    }

    private static FigureStyle Checked(FigureStyle? style)
    {
        style ??= FigureStyle.Default;
        style.Validate();
        return style;
    }
}

/// <summary>PNG encoding of a bare picture.</summary>
internal static class Png
{
    public static byte[] Encode(RgbImage picture)
    {
        using var image = GridFigure.ToSkImage(picture);
        using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
