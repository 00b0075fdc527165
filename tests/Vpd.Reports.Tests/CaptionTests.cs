using SkiaSharp;
using Vpd.Core.Masks;
using Vpd.Reports.Drawing;
using Vpd.Reports.Figures;
using static Vpd.Reports.Tests.PixelTestData;

namespace Vpd.Reports.Tests;

/// <summary>Text must actually render: the product's Skia build has no fontconfig, so a missing font draws nothing.</summary>
public sealed class CaptionTests
{
    [Fact]
    public void EmbeddedFont_HasGlyphsForCaptionText()
    {
        const string text = "IoU 0.873 \u00b7 the biggest yellow thing [SOS] S/32 (16\u00d716) \u201cq\u201d \u2026";

        var glyphs = ReportFonts.Regular.GetGlyphs(text);

        Assert.Equal("DejaVu Sans", ReportFonts.Regular.FamilyName);
        Assert.DoesNotContain((ushort)0, glyphs);
        Assert.DoesNotContain((ushort)0, ReportFonts.Bold.GetGlyphs(text));
    }

    [Fact]
    public void Tile_Caption_PutsInkUnderThePictureThatGrowsWithTheText()
    {
        var sample = new SampleView(Uniform(32, 255, 255, 255), new BinaryMask(32, 32), "the biggest yellow thing on the left");
        var blank = new SampleView(Uniform(32, 255, 255, 255), new BinaryMask(32, 32), "");
        var style = FigureStyle.Default with { OverlaySide = 160 };

        using var captioned = OverlayFigures.ComposeGrid([new FigureSample(sample, new SamplePrediction(null, 0.873))], 1, style, heading: null);
        using var uncaptioned = OverlayFigures.ComposeGrid([new FigureSample(blank, new SamplePrediction(null, null))], 1, style, heading: null);

        var withText = InkBelow(captioned);
        var without = InkBelow(uncaptioned);
        // Measured: about 700 dark pixels for the 36-character sentence and "IoU 0.873" at 13 px; a blank caption
        // has only "no IoU". A font that draws nothing leaves 0.
        Assert.True(withText > 400, $"only {withText} dark pixels under the picture (empty sentence: {without}): captions are not rendering");
        Assert.True(withText > 3 * without, $"caption ink {withText} vs {without} for an empty sentence");
    }

    [Fact]
    public void TokenGrid_Titles_PutInkAboveEveryTile()
    {
        var maps = new Vpd.Core.Attention.AttentionMaps(["<|startoftext|>", "red", "<|endoftext|>"],
            [Vpd.Core.Attention.TokenRole.Start, Vpd.Core.Attention.TokenRole.Text, Vpd.Core.Attention.TokenRole.End],
            new Dictionary<int, float[]> { [2] = new float[12] });
        var sample = new SampleView(Uniform(32, 255, 255, 255), new BinaryMask(32, 32), "red");

        using var figure = AttentionFigures.ComposeTokenGrid(sample, [("", new SamplePrediction(null, 0.5, maps))], AttentionFigureOptions.Default, FigureStyle.Default, heading: "red");

        foreach (var (_, rect) in figure.Pictures)
        {
            var ink = CountDark(figure.Bitmap, new SKRectI(rect.Left, rect.Top - 16, rect.Right, rect.Top - 1));
            Assert.True(ink > 15, $"no title above the tile at {rect}");
        }
    }

    private static int InkBelow(ComposedFigure figure)
    {
        var picture = figure.Pictures[(0, 0)];
        return CountDark(figure.Bitmap, new SKRectI(0, picture.Bottom + 1, figure.Bitmap.Width, figure.Bitmap.Height - 30));
    }

    private static int CountDark(SKBitmap bitmap, SKRectI area)
    {
        var dark = 0;
        for (var y = Math.Max(0, area.Top); y < Math.Min(bitmap.Height, area.Bottom); y++)
        {
            for (var x = Math.Max(0, area.Left); x < Math.Min(bitmap.Width, area.Right); x++)
            {
                var c = bitmap.GetPixel(x, y);
                dark += c.Red + c.Green + c.Blue < 3 * 160 ? 1 : 0;
            }
        }
        return dark;
    }
}
