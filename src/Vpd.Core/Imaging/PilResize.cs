using Vpd.Core.Masks;

namespace Vpd.Core.Imaging;

/// <summary>
/// The two resizes of the reference transform, as Pillow (under torchvision's <c>Resize</c>)
/// performs them: the image with BILINEAR (a triangle filter widened by the scale factor when
/// shrinking, i.e. antialiased; separable, horizontal pass first; 22-bit fixed-point weights and
/// an 8-bit intermediate), and the mask with NEAREST (source pixel = floor((x + 0.5) * in/out),
/// accumulated in doubles as Pillow's affine scaler does).
/// </summary>
public static class PilResize
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Pillow's antialiased bilinear resize of an RGB image.</summary>
    public static RgbImage Bilinear(RgbImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var pixels = image.Pixels;
        var inWidth = image.Width;
        var inHeight = image.Height;
        if (width != inWidth)
        {
            var (bounds, weights, taps) = Coefficients(inWidth, width);
            var output = new byte[width * inHeight * 3];
            for (var y = 0; y < inHeight; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    int start = bounds[2 * x], count = bounds[(2 * x) + 1];
                    for (var c = 0; c < 3; c++)
                    {
                        var sum = 1 << (PrecisionBits - 1);
                        for (var t = 0; t < count; t++)
                        {
                            sum += pixels[(((y * inWidth) + start + t) * 3) + c] * weights[(x * taps) + t];
                        }
                        output[(((y * width) + x) * 3) + c] = Clip8(sum);
                    }
                }
            }
            pixels = output;
            inWidth = width;
        }
        if (height != inHeight)
        {
            var (bounds, weights, taps) = Coefficients(inHeight, height);
            var output = new byte[width * height * 3];
            for (var y = 0; y < height; y++)
            {
                int start = bounds[2 * y], count = bounds[(2 * y) + 1];
                for (var x = 0; x < width; x++)
                {
                    for (var c = 0; c < 3; c++)
                    {
                        var sum = 1 << (PrecisionBits - 1);
                        for (var t = 0; t < count; t++)
                        {
                            sum += pixels[((((start + t) * inWidth) + x) * 3) + c] * weights[(y * taps) + t];
                        }
                        output[(((y * width) + x) * 3) + c] = Clip8(sum);
                    }
                }
            }
            pixels = output;
        }
        return new RgbImage(width, height, pixels == image.Pixels ? (byte[])pixels.Clone() : pixels);
    }

    /// <summary>Pillow's NEAREST resize of a mask.</summary>
    public static BinaryMask Nearest(BinaryMask mask, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (width == mask.Width && height == mask.Height)
        {
            return new BinaryMask(width, height, (byte[])mask.Pixels.Clone());
        }
        var columns = NearestSources(mask.Width, width);
        var rows = NearestSources(mask.Height, height);
        var pixels = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                pixels[(y * width) + x] = mask.Pixels[(rows[y] * mask.Width) + columns[x]];
            }
        }
        return new BinaryMask(width, height, pixels);
    }

    /// <summary>Source index per output index; the running sum in doubles is Pillow's, and its rounding decides ties.</summary>
    private static int[] NearestSources(int inSize, int outSize)
    {
        var step = (double)inSize / outSize;
        var position = step * 0.5;
        var sources = new int[outSize];
        for (var i = 0; i < outSize; i++)
        {
            sources[i] = Math.Clamp((int)position, 0, inSize - 1);
            position += step;
        }
        return sources;
    }

    /// <summary>Pillow's <c>precompute_coeffs</c> for the triangle filter, normalised to 22-bit fixed point.</summary>
    private static (int[] Bounds, int[] Weights, int Taps) Coefficients(int inSize, int outSize)
    {
        var scale = (double)inSize / outSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = 1.0 * filterScale;
        var taps = ((int)Math.Ceiling(support) * 2) + 1;
        // Pillow multiplies by the reciprocal rather than dividing; the rounding differs, so do the same.
        var reciprocal = 1.0 / filterScale;
        var bounds = new int[outSize * 2];
        var weights = new int[outSize * taps];
        var k = new double[taps];
        for (var i = 0; i < outSize; i++)
        {
            var center = (i + 0.5) * scale;
            var xmin = Math.Max((int)(center - support + 0.5), 0);
            var xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            double total = 0;
            for (var x = 0; x < xmax; x++)
            {
                var w = Triangle((x + xmin - center + 0.5) * reciprocal);
                k[x] = w;
                total += w;
            }
            for (var x = 0; x < xmax; x++)
            {
                var normalised = total != 0.0 ? k[x] / total : k[x];
                weights[(i * taps) + x] = normalised < 0
                    ? (int)(-0.5 + (normalised * (1 << PrecisionBits)))
                    : (int)(0.5 + (normalised * (1 << PrecisionBits)));
            }
            bounds[2 * i] = xmin;
            bounds[(2 * i) + 1] = xmax;
        }
        return (bounds, weights, taps);
    }

    private static double Triangle(double x)
    {
        x = Math.Abs(x);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    private static byte Clip8(int value) =>
        value >= 1 << PrecisionBits << 8 ? (byte)255 : value <= 0 ? (byte)0 : (byte)(value >> PrecisionBits);
}
