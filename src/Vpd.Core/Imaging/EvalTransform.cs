using Vpd.Core.Masks;

namespace Vpd.Core.Imaging;

/// <summary>
/// The reference evaluation transform: the RGB image resized to S x S with Pillow's bilinear
/// filter, scaled to [0, 1] and normalised with mean 0.5 and std 0.5 (so [-1, 1]), laid out
/// CHW; the ground truth resized to S x S with Pillow's nearest-neighbour rule.
/// </summary>
public static class EvalTransform
{
    /// <summary>Loads <paramref name="path"/> (size bounded first) and returns the model input, 3*S*S floats in CHW order.</summary>
    public static float[] LoadImage(string path, int size, int maxSide = ImageFiles.DefaultMaxSide) =>
        Normalize(ResizeImage(ImageFiles.LoadRgb(path, maxSide), size));

    /// <summary>The image resized to S x S as the reference does (still 8-bit RGB).</summary>
    public static RgbImage ResizeImage(RgbImage image, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        return PilResize.Bilinear(image, size, size);
    }

    /// <summary>
    /// torchvision's <c>to_tensor</c> then <c>normalize(0.5, 0.5)</c>, in float32 exactly as they
    /// compute it: <c>(v / 255 - 0.5) / 0.5</c>; CHW order.
    /// </summary>
    public static float[] Normalize(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var plane = image.Width * image.Height;
        var output = new float[3 * plane];
        for (var i = 0; i < plane; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                output[(c * plane) + i] = ((image.Pixels[(i * 3) + c] / 255f) - 0.5f) / 0.5f;
            }
        }
        return output;
    }

    /// <summary>The truth mask at S x S, nearest-neighbour as Pillow resizes the reference's mask image.</summary>
    public static BinaryMask ResizeTruth(BinaryMask mask, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        return PilResize.Nearest(mask, size, size);
    }
}
