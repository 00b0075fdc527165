using Vpd.Core.Masks;

namespace Vpd.Core.Tests.Masks;

public sealed class CocoMaskInputTests
{
    [Fact]
    public void FromPolygons_OddNumberOfCoordinates_ErrorNamesInputAndPolygon()
    {
        var error = Assert.Throws<InvalidDataException>(
            () => CocoMask.FromPolygons([[1, 1, 8, 1, 8, 8, 1]], 10, 10, "annotation 42"));
        Assert.Contains("annotation 42 polygon 0", error.Message);
        Assert.Contains("odd number of coordinates", error.Message);
    }

    [Fact]
    public void FromPolygons_NonFiniteCoordinate_ErrorNamesInput()
    {
        var error = Assert.Throws<InvalidDataException>(
            () => CocoMask.FromPolygons([[1, 1, double.NaN, 1, 8, 8]], 10, 10, "annotation 7"));
        Assert.Contains("annotation 7", error.Message);
    }

    [Fact]
    public void FromCompressedRle_RunsOverrunTheImage_ErrorNamesInput()
    {
        // '5' is a single run of 5 pixels, one more than a 2x2 mask holds.
        var error = Assert.Throws<InvalidDataException>(() => CocoMask.FromCompressedRle("5", 2, 2, "annotation 9"));
        Assert.Contains("annotation 9", error.Message);
        Assert.Contains("overrun", error.Message);
    }

    [Fact]
    public void FromCompressedRle_RunsShortOfTheImage_ErrorNamesInput()
    {
        var error = Assert.Throws<InvalidDataException>(() => CocoMask.FromCompressedRle("12", 2, 2, "annotation 10"));
        Assert.Contains("annotation 10", error.Message);
    }

    [Fact]
    public void FromCompressedRle_CharacterOutsideAlphabet_ErrorNamesInput()
    {
        var error = Assert.Throws<InvalidDataException>(() => CocoMask.FromCompressedRle("1~", 2, 2, "annotation 11"));
        Assert.Contains("annotation 11", error.Message);
        Assert.Contains("'~'", error.Message);
    }

    [Fact]
    public void FromUncompressedRle_ColumnMajorRuns_DecodeToRowMajor()
    {
        // 2x3 (h x w), column-major pixel order: (0,0) (0,1) | (1,0) (1,1) | (2,0) (2,1) as (x, y).
        var mask = CocoMask.FromUncompressedRle([1, 2, 3], 2, 3, "test");
        Assert.Equal(3, mask.Width);
        Assert.Equal(2, mask.Height);
        // Foreground: column-major indices 1 and 2 = (x0, y1) and (x1, y0).
        Assert.Equal(new byte[] { 0, 1, 0, 1, 0, 0 }, mask.Pixels);
    }

    [Fact]
    public void FromUncompressedRle_NegativeRun_ErrorNamesInput()
    {
        var error = Assert.Throws<InvalidDataException>(() => CocoMask.FromUncompressedRle([1, -1, 4], 2, 2, "annotation 12"));
        Assert.Contains("annotation 12", error.Message);
    }

    [Fact]
    public void FromPolygons_FirstPolygonOfFourNumbers_ReadAsBoxesLikeTheCocoApi()
    {
        var asBox = CocoMask.FromPolygons([[2, 3, 5, 4]], 12, 12, "box");
        var asPolygon = CocoMask.FromPolygons([[2, 3, 2, 7, 7, 7, 7, 3]], 12, 12, "rectangle");
        Assert.Equal(asPolygon.Pixels, asBox.Pixels);
        Assert.True(asBox.Area > 0);
    }

    [Fact]
    public void FromPolygons_TwoOverlappingPolygons_OverlapIsBackground()
    {
        var first = CocoMask.FromPolygons([[1, 1, 1, 9, 9, 9, 9, 1]], 12, 12, "a");
        var second = CocoMask.FromPolygons([[5, 5, 5, 11, 11, 11, 11, 5]], 12, 12, "b");
        var both = CocoMask.FromPolygons([[1, 1, 1, 9, 9, 9, 9, 1], [5, 5, 5, 11, 11, 11, 11, 5]], 12, 12, "ab");
        for (var i = 0; i < both.Pixels.Length; i++)
        {
            Assert.Equal(first.Pixels[i] + second.Pixels[i] == 1 ? 1 : 0, both.Pixels[i]);
        }
        Assert.True(first.Pixels.Zip(second.Pixels).Any(p => p.First == 1 && p.Second == 1), "test polygons must overlap");
    }

    [Fact]
    public void FromSegmentation_RleOfOtherSize_ErrorNamesInput()
    {
        var error = Assert.Throws<InvalidDataException>(() => CocoMask.FromSegmentation(
            new CocoSegmentation.Rle(2, 2, "04", null), 3, 3, "annotation 13"));
        Assert.Contains("annotation 13", error.Message);
    }
}
