using Vpd.Core.Imaging;
using Vpd.Core.Masks;

namespace Vpd.Core.Tests.Imaging;

public sealed class PilResizeTests
{
    [Fact]
    public void Bilinear_HalvingAWidth_UsesTriangleWeightsWidenedByTheScale()
    {
        // Halving: interior outputs weigh inputs 2i-1..2i+2 by 1/8, 3/8, 3/8, 1/8 (triangle of
        // half-width 2); the first output, clipped at the border, weighs inputs 0..2 by 3/7, 3/7, 1/7.
        byte[] row = [0, 40, 80, 120, 160, 200, 240, 250];
        var image = Gray(row, 8, 1);
        var resized = PilResize.Bilinear(image, 4, 1);
        var expected = new[]
        {
            Round(((3 * 0) + (3 * 40) + 80) / 7.0),
            Round((40 + (3 * 80) + (3 * 120) + 160) / 8.0),
            Round((120 + (3 * 160) + (3 * 200) + 240) / 8.0),
            Round((200 + (3 * 240) + (3 * 250)) / 7.0),
        };
        Assert.Equal(expected, Channel(resized, 0));
        Assert.Equal(expected, Channel(resized, 2));
    }

    [Fact]
    public void Bilinear_ConstantImage_StaysConstant()
    {
        var image = new RgbImage(7, 5, [.. Enumerable.Repeat((byte)77, 7 * 5 * 3)]);
        var resized = PilResize.Bilinear(image, 3, 11);
        Assert.All(resized.Pixels, v => Assert.Equal(77, v));
    }

    [Fact]
    public void Nearest_ThreeToTwo_TakesPixelWhoseCentreRuleSelects()
    {
        // Output x samples the input at (x + 0.5) * 3/2 = 0.75, 2.25: columns 0 and 2.
        var mask = new BinaryMask(3, 1, [1, 0, 0]);
        Assert.Equal(new byte[] { 1, 0 }, PilResize.Nearest(mask, 2, 1).Pixels);
        var other = new BinaryMask(3, 1, [0, 1, 1]);
        Assert.Equal(new byte[] { 0, 1 }, PilResize.Nearest(other, 2, 1).Pixels);
    }

    [Fact]
    public void Nearest_Upscale_RepeatsPixels()
    {
        var mask = new BinaryMask(2, 1, [1, 0]);
        Assert.Equal(new byte[] { 1, 1, 0, 0 }, PilResize.Nearest(mask, 4, 1).Pixels);
    }

    [Fact]
    public void Normalize_ExtremesAndMidGrey_MapToMinusOneOneAndNearZero()
    {
        var image = new RgbImage(3, 1, [0, 0, 0, 255, 255, 255, 128, 128, 128]);
        var chw = EvalTransform.Normalize(image);
        Assert.Equal(9, chw.Length);
        Assert.Equal(-1f, chw[0]);
        Assert.Equal(1f, chw[1]);
        Assert.Equal((128f / 255f - 0.5f) / 0.5f, chw[2]);
        Assert.Equal(-1f, chw[3]);
        Assert.Equal(1f, chw[7]);
    }

    private static RgbImage Gray(byte[] values, int width, int height) =>
        new(width, height, [.. values.SelectMany(v => new[] { v, v, v })]);

    private static byte[] Channel(RgbImage image, int channel) =>
        [.. Enumerable.Range(0, image.Width * image.Height).Select(i => image.Pixels[(i * 3) + channel])];

    private static byte Round(double value) => (byte)Math.Floor(value + 0.5);
}
