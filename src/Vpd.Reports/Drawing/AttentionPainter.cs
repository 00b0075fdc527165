using Vpd.Core.Imaging;
using Vpd.Reports.Figures;

namespace Vpd.Reports.Drawing;

/// <summary>
/// One attention tile: the image as the model saw it, greyed, under one token's map drawn as cells (each map
/// cell covers the image region it pooled, nearest, so a cell is exactly where the model looked), coloured by
/// <see cref="HeatColours"/> after scaling the map to its own min..max, then the contours.
/// </summary>
internal static class AttentionPainter
{
    /// <param name="map">side x side values, row-major.</param>
    /// <param name="transparentZeros">Leave cells whose value is exactly 0 uncoloured and scale the rest from 0 (thresholded maps).</param>
    public static RgbImage Paint(SampleView sample, SamplePrediction prediction, ReadOnlySpan<float> map, int mapSide, int side, FigureStyle style, bool transparentZeros)
    {
        var picture = PictureScaling.Image(sample.Image, side);
        // A thresholded map is scaled from 0, so its weakest kept cell is not drawn as if it were nothing.
        var (low, high) = Range(map, transparentZeros);
        low = transparentZeros ? 0f : low;
        var alpha = style.HeatOpacity;
        var pixels = picture.Pixels;
        for (var y = 0; y < side; y++)
        {
            var row = (int)((long)y * mapSide / side);
            for (var x = 0; x < side; x++)
            {
                var value = map[(row * mapSide) + (int)((long)x * mapSide / side)];
                var p = ((y * side) + x) * 3;
                var grey = ((0.299 * pixels[p]) + (0.587 * pixels[p + 1]) + (0.114 * pixels[p + 2])) * 0.8;
                if ((transparentZeros && value == 0f) || !float.IsFinite(value))
                {
                    pixels[p] = pixels[p + 1] = pixels[p + 2] = (byte)Math.Round(grey);
                    continue;
                }
                var colour = HeatColours.At(high > low ? (value - low) / (high - low) : 0);
                pixels[p] = Blend(grey, colour.R, alpha);
                pixels[p + 1] = Blend(grey, colour.G, alpha);
                pixels[p + 2] = Blend(grey, colour.B, alpha);
            }
        }
        ContourPainter.Paint(
            picture,
            PictureScaling.Mask(sample.Truth, side),
            prediction.Mask is null ? null : PictureScaling.Mask(prediction.Mask, side),
            style);
        return picture;
    }

    /// <summary>The finite min and max of a map (of its nonzero values when zeros are transparent).</summary>
    internal static (float Low, float High) Range(ReadOnlySpan<float> map, bool skipZeros)
    {
        var low = float.PositiveInfinity;
        var high = float.NegativeInfinity;
        foreach (var value in map)
        {
            if (!float.IsFinite(value) || (skipZeros && value == 0f))
            {
                continue;
            }
            low = Math.Min(low, value);
            high = Math.Max(high, value);
        }
        return float.IsFinite(low) ? (low, high) : (0f, 0f);
    }

    private static byte Blend(double grey, byte colour, double alpha) => (byte)Math.Round(((1 - alpha) * grey) + (alpha * colour));
}
