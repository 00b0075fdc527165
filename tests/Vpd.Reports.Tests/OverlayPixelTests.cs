using Vpd.Core.Masks;
using Vpd.Reports.Drawing;
using Vpd.Reports.Figures;
using static Vpd.Reports.Tests.PixelTestData;

namespace Vpd.Reports.Tests;

/// <summary>The overlay picture, pixel for pixel, on small synthetic cases.</summary>
public sealed class OverlayPixelTests
{
    private static readonly FigureStyle Plain = FigureStyle.Default with { ContourWidth = 1, ContourEdge = null };

    [Fact]
    public void Picture_KnownMasks_ContourExactlyOnBoundaryPixelsInTheirColours()
    {
        const int size = 32;
        var truth = Rectangle(size, 4, 4, 20, 20);
        var prediction = Rectangle(size, 4, 10, 26, 28);
        var sample = new SampleView(Uniform(size, 90, 100, 110), truth, "the square");

        using var picture = Decode(OverlayFigures.Picture(sample, new SamplePrediction(prediction, 0.3), Plain with { OverlaySide = size }));

        Assert.Equal(size, picture.Width);
        var truthBoundary = MaskBoundary.Of(truth);
        var predictionBoundary = MaskBoundary.Of(prediction);
        var counts = new int[4];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var (t, p) = (truthBoundary[x, y], predictionBoundary[x, y]);
                var expected = t && p ? Plain.BothColour : t ? Plain.TruthColour : p ? Plain.PredictionColour : new Rgb(90, 100, 110);
                counts[(t ? 1 : 0) + (p ? 2 : 0)]++;
                Assert.Equal((expected.R, expected.G, expected.B), At(picture, x, y));
            }
        }
        // The case exercises all four kinds of pixel: untouched, truth only, prediction only, both.
        Assert.All(counts, c => Assert.True(c > 0));
    }

    [Fact]
    public void Picture_UpscaledByThree_ContourIsBoundaryOfTheNearestUpscaledMask()
    {
        const int size = 16;
        const int side = 48;
        var truth = Rectangle(size, 3, 5, 11, 12);
        var sample = new SampleView(Uniform(size, 200, 200, 200), truth, "a");

        using var picture = Decode(OverlayFigures.Picture(sample, new SamplePrediction(null, null), Plain with { OverlaySide = side, ContourWidth = 2 }));

        var upscaled = Rectangle(side, 9, 15, 33, 36);
        var band = MaskBoundary.Of(upscaled, 2);
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                var expected = band[x, y] ? Plain.TruthColour : new Rgb(200, 200, 200);
                Assert.Equal((expected.R, expected.G, expected.B), At(picture, x, y));
            }
        }
    }

    [Fact]
    public void Picture_WithDarkEdge_BandKeepsItsColourAndEdgeSurroundsIt()
    {
        const int size = 24;
        var truth = Rectangle(size, 6, 6, 18, 18);
        var style = FigureStyle.Default with { OverlaySide = size, ContourWidth = 2 };
        var sample = new SampleView(Uniform(size, 120, 120, 120), truth, "a");

        using var picture = Decode(OverlayFigures.Picture(sample, new SamplePrediction(null, null), style));

        var band = MaskBoundary.Of(truth, 2);
        var inner = MaskBoundary.Of(truth, 3);
        var outside = MaskBoundary.Outside(truth);
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var expected = band[x, y] ? style.TruthColour
                    : outside[x, y] || inner[x, y] ? style.ContourEdge!.Value
                    : new Rgb(120, 120, 120);
                Assert.Equal((expected.R, expected.G, expected.B), At(picture, x, y));
            }
        }
    }

    [Fact]
    public void Picture_ImageAtOriginalSize_IsResizedToTruthSize()
    {
        var truth = new BinaryMask(16, 16);
        var sample = new SampleView(Uniform(40, 10, 20, 30), truth, "a");

        Assert.Equal(16, sample.Image.Width);
        using var picture = Decode(OverlayFigures.Picture(sample, new SamplePrediction(null, null), Plain with { OverlaySide = 16 }));
        Assert.Equal((10, 20, 30), At(picture, 8, 8));
    }

    [Fact]
    public void Picture_PredictionOfOtherSize_ThrowsNamingSizes()
    {
        var sample = new SampleView(Uniform(16, 0, 0, 0), new BinaryMask(16, 16), "a");

        var e = Assert.Throws<ArgumentException>(() => OverlayFigures.Picture(sample, new SamplePrediction(new BinaryMask(8, 8), 0.1)));

        Assert.Contains("8x8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlaySideFor_DefaultStyle_WholeMultipleOfSFromSmallInputs()
    {
        Assert.Equal(256, FigureStyle.Default.OverlaySideFor(128));
        Assert.Equal(300, FigureStyle.Default.OverlaySideFor(100));
        Assert.Equal(512, FigureStyle.Default.OverlaySideFor(512));
    }
}
