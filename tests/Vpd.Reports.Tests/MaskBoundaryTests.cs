using Vpd.Reports.Drawing;
using static Vpd.Reports.Tests.PixelTestData;

namespace Vpd.Reports.Tests;

public sealed class MaskBoundaryTests
{
    [Fact]
    public void Of_FilledRectangle_IsItsOutlineOnly()
    {
        var mask = Mask(
            "......",
            ".####.",
            ".####.",
            ".####.",
            "......");

        var boundary = MaskBoundary.Of(mask);

        Assert.Equal(Mask(
            "......",
            ".####.",
            ".#..#.",
            ".####.",
            "......").Pixels, boundary.Pixels);
    }

    [Fact]
    public void Of_MaskTouchingImageEdge_CountsOutsideAsBackground()
    {
        var mask = Mask(
            "###",
            "###",
            "###");

        Assert.Equal(Mask(
            "###",
            "#.#",
            "###").Pixels, MaskBoundary.Of(mask).Pixels);
    }

    [Fact]
    public void Of_DiagonalNeighbourOnly_IsNotBoundary()
    {
        // The centre's 4-neighbours are all foreground; only its diagonal neighbours are background.
        var mask = Mask(
            ".....",
            "..#..",
            ".###.",
            "..#..",
            ".....");

        Assert.Equal(Mask(
            ".....",
            "..#..",
            ".#.#.",
            "..#..",
            ".....").Pixels, MaskBoundary.Of(mask).Pixels);
    }

    [Fact]
    public void Of_MaskWithHole_OutlinesTheHoleToo()
    {
        var mask = Mask(
            ".......",
            ".#####.",
            ".#####.",
            ".##.##.",
            ".#####.",
            ".#####.",
            ".......");

        Assert.Equal(Mask(
            ".......",
            ".#####.",
            ".#.#.#.",
            ".##.##.",
            ".#.#.#.",
            ".#####.",
            ".......").Pixels, MaskBoundary.Of(mask).Pixels);
    }

    [Fact]
    public void Of_WidthTwo_IsCityBlockDistanceAtMostTwo()
    {
        var mask = Rectangle(9, 1, 1, 8, 8);

        var band = MaskBoundary.Of(mask, width: 2);

        for (var y = 0; y < 9; y++)
        {
            for (var x = 0; x < 9; x++)
            {
                // Distance to the nearest background pixel (the frame around the 7x7 square).
                var inside = mask[x, y];
                var distance = Math.Min(Math.Min(x, 8 - x), Math.Min(y, 8 - y));
                Assert.Equal(inside && distance <= 2, band[x, y]);
            }
        }
    }

    [Fact]
    public void Of_EmptyMask_IsEmpty()
    {
        Assert.Equal(0, MaskBoundary.Of(Mask("....", "....")).Area);
    }

    [Fact]
    public void Outside_Square_IsTheRingOf4NeighboursAround()
    {
        var mask = Mask(
            ".....",
            ".....",
            "..#..",
            ".....");

        Assert.Equal(Mask(
            ".....",
            "..#..",
            ".#.#.",
            "..#..").Pixels, MaskBoundary.Outside(mask).Pixels);
    }
}
