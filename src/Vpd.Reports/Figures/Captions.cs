using System.Globalization;
using Vpd.Core.Attention;
using Vpd.Reports.Drawing;

namespace Vpd.Reports.Figures;

/// <summary>The texts figures put under and above pictures, in one place so PNGs and the HTML report agree.</summary>
public static class Captions
{
    /// <summary>"IoU 0.873" (three decimals), or "failed" / "no IoU".</summary>
    public static string Iou(SamplePrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        return prediction.Iou is { } iou
            ? "IoU " + iou.ToString("0.000", CultureInfo.InvariantCulture)
            : prediction.Error is null ? "no IoU" : "failed";
    }

    /// <summary>A token's tile title: its text, or SOS / EOS / pad for the special positions.</summary>
    public static string Token(AttentionMaps maps, int token)
    {
        ArgumentNullException.ThrowIfNull(maps);
        return maps.Roles[token] switch
        {
            TokenRole.Start => "[SOS]",
            TokenRole.End => "[EOS]",
            TokenRole.Padding => "[pad]",
            _ => maps.Tokens[token].Length == 0 ? "\u2423" : maps.Tokens[token],
        };
    }

    /// <summary>A level's name: "S/32 (16x16)" for side 16 of a 512 px input.</summary>
    public static string Level(int imageSize, int side) =>
        imageSize % side == 0
            ? string.Create(CultureInfo.InvariantCulture, $"S/{imageSize / side} ({side}\u00d7{side})")
            : string.Create(CultureInfo.InvariantCulture, $"{side}\u00d7{side}");

    internal static IReadOnlyList<CaptionLine> Overlay(SampleView sample, SamplePrediction prediction)
    {
        var lines = new List<CaptionLine> { new(sample.Sentence) };
        var iou = Iou(prediction);
        lines.Add(new CaptionLine(sample.Label is null ? iou : $"{iou} \u00b7 {sample.Label}", Bold: false, Muted: true));
        return lines;
    }

    internal static IReadOnlyList<LegendItem> ContourLegend(FigureStyle style) =>
    [
        new(style.TruthColour, "ground truth"),
        new(style.PredictionColour, "prediction"),
        new(style.BothColour, "both"),
    ];
}
