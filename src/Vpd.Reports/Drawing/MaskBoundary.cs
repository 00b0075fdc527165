using Vpd.Core.Masks;

namespace Vpd.Reports.Drawing;

/// <summary>
/// The contour the figures draw. A <b>boundary pixel</b> of a mask is a foreground pixel with at least one
/// 4-neighbour (left, right, up, down) that is background or outside the image. A band of width w is the set of
/// foreground pixels whose 4-connected (city-block) distance to such a background-or-outside pixel is at most w;
/// width 1 is exactly the boundary pixels. The band lies inside the mask, so a contour never covers a pixel the
/// mask does not hold.
/// </summary>
public static class MaskBoundary
{
    /// <summary>The band of width <paramref name="width"/> (1 = the boundary pixels) as a mask of the same size.</summary>
    public static BinaryMask Of(BinaryMask mask, int width = 1)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        var eroded = mask.Pixels;
        for (var i = 0; i < width; i++)
        {
            eroded = Erode(eroded, mask.Width, mask.Height);
        }
        var band = new byte[mask.Pixels.Length];
        for (var p = 0; p < band.Length; p++)
        {
            band[p] = (byte)(mask.Pixels[p] & (1 - eroded[p]));
        }
        return new BinaryMask(mask.Width, mask.Height, band);
    }

    /// <summary>
    /// The pixels just outside a mask: background pixels with a 4-neighbour in the mask. The figures darken these
    /// so that a contour stays visible on an object of its own colour.
    /// </summary>
    public static BinaryMask Outside(BinaryMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var (w, h, src) = (mask.Width, mask.Height, mask.Pixels);
        var result = new byte[src.Length];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var p = (y * w) + x;
                if (src[p] == 0 &&
                    ((x > 0 && src[p - 1] != 0) || (x < w - 1 && src[p + 1] != 0) ||
                     (y > 0 && src[p - w] != 0) || (y < h - 1 && src[p + w] != 0)))
                {
                    result[p] = 1;
                }
            }
        }
        return new BinaryMask(w, h, result);
    }

    // One step of erosion with the 4-neighbourhood, pixels outside the image counting as background.
    private static byte[] Erode(byte[] src, int w, int h)
    {
        var result = new byte[src.Length];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var p = (y * w) + x;
                if (src[p] != 0 && x > 0 && x < w - 1 && y > 0 && y < h - 1 &&
                    src[p - 1] != 0 && src[p + 1] != 0 && src[p - w] != 0 && src[p + w] != 0)
                {
                    result[p] = 1;
                }
            }
        }
        return result;
    }
}
