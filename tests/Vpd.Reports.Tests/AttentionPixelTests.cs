using Vpd.Core.Attention;
using Vpd.Core.Masks;
using Vpd.Reports.Drawing;
using Vpd.Reports.Figures;
using static Vpd.Reports.Tests.PixelTestData;

namespace Vpd.Reports.Tests;

/// <summary>Attention tiles and the thresholded map, pixel for pixel.</summary>
public sealed class AttentionPixelTests
{
    private const int Size = 32;

    // Opaque heat, no contour in the way: a tile pixel is exactly its cell's heat colour.
    private static readonly FigureStyle HeatOnly = FigureStyle.Default with { HeatOpacity = 1, ContourEdge = null, AttentionSide = 64, OverlaySide = 64 };

    /// <summary>SOS, "red", EOS, one padding; sides 2 and 4. Token 1 at side 4 peaks at row 1, column 2.</summary>
    private static AttentionMaps Maps()
    {
        var four = new float[4 * 16];
        var two = new float[4 * 4];
        for (var t = 0; t < 4; t++)
        {
            four[(t * 16) + 5] = 0.1f * (t + 1); // every token: something at row 1, column 1
            two[(t * 4) + 3] = 0.5f;
        }
        four[16 + (1 * 4) + 2] = 0.9f; // token 1's peak: row 1, column 2
        return new AttentionMaps(
            ["<|startoftext|>", "red", "<|endoftext|>", "<|endoftext|>"],
            [TokenRole.Start, TokenRole.Text, TokenRole.End, TokenRole.Padding],
            new Dictionary<int, float[]> { [2] = two, [4] = four });
    }

    private static SampleView Sample() => new(Uniform(Size, 128, 128, 128), new BinaryMask(Size, Size), "red");

    [Fact]
    public void TokenGrid_KnownPeak_BrightestColourExactlyOnThePeakCell()
    {
        var prediction = new SamplePrediction(null, 0.5, Maps());

        using var figure = AttentionFigures.ComposeTokenGrid(Sample(), [("", prediction)], AttentionFigureOptions.Default, HeatOnly, heading: null);

        // Rows: sides 2 then 4; columns: SOS, red, EOS (padding left out).
        Assert.Equal(6, figure.Pictures.Count);
        var tile = figure.Pictures[(1, 1)];
        Assert.Equal(64, tile.Width);
        var peak = HeatColours.At(1);
        var floor = HeatColours.At(0);
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                var (row, column) = (y / 16, x / 16);
                var expected = (row, column) == (1, 2) ? peak : (row, column) == (1, 1) ? HeatColours.At(0.2 / 0.9) : floor;
                Assert.Equal((expected.R, expected.G, expected.B), At(figure.Bitmap, tile.Left + x, tile.Top + y));
            }
        }
    }

    [Fact]
    public void TokenGrid_IncludePadding_AddsAColumnPerPaddingToken()
    {
        var prediction = new SamplePrediction(null, 0.5, Maps());

        using var withPadding = AttentionFigures.ComposeTokenGrid(Sample(), [("", prediction)], new AttentionFigureOptions { IncludePadding = true, Sides = [4] }, HeatOnly, heading: null);

        Assert.Equal(4, withPadding.Pictures.Count);
        Assert.All(withPadding.Pictures.Keys, key => Assert.Equal(0, key.Row));
    }

    [Fact]
    public void TokenGrid_NoAttention_ThrowsSayingSo()
    {
        var e = Assert.Throws<ArgumentException>(() => AttentionFigures.TokenGrid(Sample(), new SamplePrediction(null, 0.5)));

        Assert.Contains("no attention maps", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AcrossRuns_TwoRuns_OneRowPerRunAndLevel()
    {
        var prediction = new SamplePrediction(null, 0.5, Maps());

        using var figure = AttentionFigures.ComposeTokenGrid(Sample(), [("T = 0", prediction), ("T = 100", prediction)], AttentionFigureOptions.Default, HeatOnly, heading: "red");

        Assert.Equal(4 * 3, figure.Pictures.Count);
        Assert.Equal(figure.Pictures[(1, 1)].Width, figure.Pictures[(3, 1)].Width);
    }

    [Fact]
    public void Thresholded_DefaultFraction_ZeroedCellsShowTheGreyedImageOnly()
    {
        var values = Enumerable.Range(0, 16).Select(i => (float)(i + 1)).ToArray();
        var maps = new AttentionMaps(["<|startoftext|>", "red"], [TokenRole.Start, TokenRole.Text],
            new Dictionary<int, float[]> { [4] = new float[16].Concat(values).ToArray() });

        using var figure = AttentionFigures.ComposeThresholded(Sample(), new SamplePrediction(null, 0.5, maps), token: 1, side: null, zeroFraction: 0.8, HeatOnly);

        var tile = figure.Pictures[(0, 0)];
        var grey = (byte)Math.Round(128 * 0.8);
        var coloured = 0;
        for (var cell = 0; cell < 16; cell++)
        {
            var (x, y) = (tile.Left + ((cell % 4) * 16) + 8, tile.Top + ((cell / 4) * 16) + 8);
            // round(0.8 * 16) = 13 cells zeroed: values 1..13; 14, 15, 16 kept and scaled from 0 to the max.
            var expected = cell < 13 ? new Rgb(grey, grey, grey) : HeatColours.At((cell + 1) / 16.0);
            Assert.Equal((expected.R, expected.G, expected.B), At(figure.Bitmap, x, y));
            coloured += cell < 13 ? 0 : 1;
        }
        Assert.Equal(3, coloured);
    }
}
