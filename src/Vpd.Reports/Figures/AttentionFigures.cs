using System.Globalization;
using Vpd.Core.Attention;
using Vpd.Reports.Drawing;

namespace Vpd.Reports.Figures;

/// <summary>Which tokens and levels an attention figure shows.</summary>
public sealed record AttentionFigureOptions
{
    public static AttentionFigureOptions Default { get; } = new();

    /// <summary>Show padding positions too (off: start, text and end tokens only).</summary>
    public bool IncludePadding { get; init; }

    /// <summary>The map sides to show, in this order; null shows every stored level, coarsest first.</summary>
    public IReadOnlyList<int>? Sides { get; init; }
}

/// <summary>
/// The seed report's attention figures as PNG bytes: per-token cross-attention maps (Figs. 9-20), the same
/// sentence across runs, and one token's thresholded map (Fig. 2). Each tile shows the image as the model saw
/// it, greyed, under one token's averaged map scaled to its own min..max, with the truth and prediction contours.
/// </summary>
public static class AttentionFigures
{
    /// <summary>One sentence: one column per token (its text as the title; SOS and EOS marked), one row per level.</summary>
    public static byte[] TokenGrid(SampleView sample, SamplePrediction prediction, AttentionFigureOptions? options = null, FigureStyle? style = null)
    {
        using var figure = ComposeTokenGrid(sample, [("", prediction)], options ?? AttentionFigureOptions.Default, Checked(style), heading: sample.Sentence);
        return figure.ToPng();
    }

    /// <summary>The same sentence across runs: for each run one row per level, labelled with the run; tokens as columns.</summary>
    public static byte[] AcrossRuns(SampleView sample, IReadOnlyList<(string Label, SamplePrediction Prediction)> runs, AttentionFigureOptions? options = null, FigureStyle? style = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new ArgumentException("an attention comparison needs at least one run", nameof(runs));
        }
        using var figure = ComposeTokenGrid(sample, runs, options ?? AttentionFigureOptions.Default, Checked(style), heading: sample.Sentence);
        return figure.ToPng();
    }

    /// <summary>
    /// One token's map with the lowest <paramref name="zeroFraction"/> of its values zeroed
    /// (<see cref="AttentionThreshold.ZeroLowest"/>) and left uncoloured, over the image; <paramref name="side"/>
    /// null takes the finest level.
    /// </summary>
    public static byte[] Thresholded(SampleView sample, SamplePrediction prediction, int token, int? side = null, double zeroFraction = 0.8, FigureStyle? style = null)
    {
        using var figure = ComposeThresholded(sample, prediction, token, side, zeroFraction, Checked(style));
        return figure.ToPng();
    }

    internal static ComposedFigure ComposeTokenGrid(
        SampleView sample, IReadOnlyList<(string Label, SamplePrediction Prediction)> runs, AttentionFigureOptions options, FigureStyle style, string? heading)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var first = MapsOf(runs[0].Prediction, runs[0].Label);
        var tokens = Enumerable.Range(0, first.TokenCount).Where(i => options.IncludePadding || first.Roles[i] != TokenRole.Padding).ToArray();
        var tileSide = style.AttentionSideFor(sample.Size);
        var rows = new List<IReadOnlyList<GridCell?>>();
        var rowTitles = new List<string>();
        foreach (var (label, prediction) in runs)
        {
            prediction.CheckFits(sample, $"attention of '{label}'");
            var maps = MapsOf(prediction, label);
            if (maps.TokenCount != first.TokenCount || !maps.Tokens.SequenceEqual(first.Tokens))
            {
                throw new ArgumentException($"run '{label}' tokenised the sentence differently from run '{runs[0].Label}'; compare runs of one tokenizer");
            }
            foreach (var side in options.Sides ?? maps.Sides)
            {
                var row = tokens.Select(t => (GridCell?)new GridCell(
                    AttentionPainter.Paint(sample, prediction, maps.Map(side, t), side, tileSide, style, transparentZeros: false),
                    Title: Captions.Token(maps, t),
                    MutedTitle: maps.Roles[t] != TokenRole.Text)).ToList();
                rows.Add(row);
                var level = Captions.Level(sample.Size, side);
                rowTitles.Add(label.Length == 0 ? level : $"{label}\n{level}");
            }
        }
        return new GridFigure(style)
        {
            Heading = heading is null ? null : $"\u201c{heading}\u201d" + (runs.Count == 1 && runs[0].Prediction.Iou is not null ? $"  ({Captions.Iou(runs[0].Prediction)})" : ""),
            RowTitles = rowTitles,
            Legend = Captions.ContourLegend(style),
            Note = "each tile scaled to its own min..max (inferno: dark low, bright high)",
        }.Render(rows);
    }

    internal static ComposedFigure ComposeThresholded(SampleView sample, SamplePrediction prediction, int token, int? side, double zeroFraction, FigureStyle style)
    {
        ArgumentNullException.ThrowIfNull(sample);
        prediction.CheckFits(sample, "thresholded attention");
        var maps = MapsOf(prediction, "");
        ArgumentOutOfRangeException.ThrowIfNegative(token);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(token, maps.TokenCount);
        var level = side ?? maps.Sides[^1];
        var kept = AttentionThreshold.ZeroLowest(maps.Map(level, token), zeroFraction);
        var picture = AttentionPainter.Paint(sample, prediction, kept, level, style.OverlaySideFor(sample.Size), style, transparentZeros: true);
        var percent = (zeroFraction * 100).ToString("0.#", CultureInfo.InvariantCulture);
        var cell = new GridCell(picture, Title: $"{Captions.Token(maps, token)}  \u00b7  {Captions.Level(sample.Size, level)}",
            Caption: [new CaptionLine(sample.Sentence), new CaptionLine(Captions.Iou(prediction), Muted: true), new CaptionLine($"lowest {percent}% of values zeroed", Muted: true)]);
        return new GridFigure(style) { Legend = Captions.ContourLegend(style) }.Render([[cell]]);
    }

    private static AttentionMaps MapsOf(SamplePrediction prediction, string label) =>
        prediction.Attention ?? throw new ArgumentException(
            label.Length == 0 ? "this sample has no attention maps (the run stored none for it)" : $"run '{label}' has no attention maps for this sample");

    private static FigureStyle Checked(FigureStyle? style)
    {
        style ??= FigureStyle.Default;
        style.Validate();
        return style;
    }
}
