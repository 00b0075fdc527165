using SkiaSharp;
using Vpd.Core.Imaging;
using Vpd.Core.Masks;

namespace Vpd.Reports.Tests;

/// <summary>Small synthetic images and masks with known pixels, and PNG reading for pixel assertions.</summary>
internal static class PixelTestData
{
    public static RgbImage Uniform(int size, byte r, byte g, byte b)
    {
        var pixels = new byte[size * size * 3];
        for (var p = 0; p < size * size; p++)
        {
            (pixels[p * 3], pixels[(p * 3) + 1], pixels[(p * 3) + 2]) = (r, g, b);
        }
        return new RgbImage(size, size, pixels);
    }

    /// <summary>A mask of the given size drawn from rows of '#' (foreground) and '.' (background).</summary>
    public static BinaryMask Mask(params string[] rows)
    {
        var pixels = rows.SelectMany(row => row.Select(c => c == '#' ? (byte)1 : (byte)0)).ToArray();
        return new BinaryMask(rows[0].Length, rows.Length, pixels);
    }

    public static BinaryMask Rectangle(int size, int x0, int y0, int x1, int y1)
    {
        var mask = new BinaryMask(size, size);
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                mask.Pixels[(y * size) + x] = 1;
            }
        }
        return mask;
    }

    public static SKBitmap Decode(byte[] png) =>
        SKBitmap.Decode(png) ?? throw new InvalidDataException("not a PNG Skia can decode");

    public static (byte R, byte G, byte B) At(SKBitmap bitmap, int x, int y)
    {
        var c = bitmap.GetPixel(x, y);
        return (c.Red, c.Green, c.Blue);
    }
}
