using Vpd.Core.Imaging;
using Vpd.Core.Masks;

namespace Vpd.Reports.Drawing;

/// <summary>
/// Brings an S x S image and its masks to a square display side D. Masks use Pillow's nearest rule (what the
/// evaluation uses for truth), so at D = k * S every mask pixel becomes a k x k block; images are repeated
/// the same way at integer factors (the pixels the model saw, only larger) and resampled with Pillow's
/// antialiased bilinear filter otherwise.
/// </summary>
internal static class PictureScaling
{
    public static RgbImage Image(RgbImage image, int side)
    {
        if (image.Width == side && image.Height == side)
        {
            return new RgbImage(side, side, (byte[])image.Pixels.Clone());
        }
        if (image.Width == image.Height && side % image.Width == 0)
        {
            return RepeatPixels(image, side / image.Width);
        }
        return EvalTransform.ResizeImage(image, side);
    }

    public static BinaryMask Mask(BinaryMask mask, int side) =>
        mask.Width == side && mask.Height == side ? mask : EvalTransform.ResizeTruth(mask, side);

    private static RgbImage RepeatPixels(RgbImage image, int factor)
    {
        var side = image.Width * factor;
        var output = new byte[side * side * 3];
        for (var y = 0; y < side; y++)
        {
            var sourceRow = y / factor * image.Width;
            for (var x = 0; x < side; x++)
            {
                var from = (sourceRow + (x / factor)) * 3;
                var to = ((y * side) + x) * 3;
                output[to] = image.Pixels[from];
                output[to + 1] = image.Pixels[from + 1];
                output[to + 2] = image.Pixels[from + 2];
            }
        }
        return new RgbImage(side, side, output);
    }
}
