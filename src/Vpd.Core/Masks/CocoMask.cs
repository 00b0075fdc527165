namespace Vpd.Core.Masks;

/// <summary>
/// Ground-truth masks exactly as the reference data loader builds them from a COCO annotation:
/// every polygon rasterised on its own by the COCO mask API, the masks summed, and a pixel
/// foreground only where the sum is exactly 1 (where two polygons of one object overlap the
/// pixel is background: a quirk of the reference loader that the published numbers include).
/// </summary>
public static class CocoMask
{
    /// <summary>
    /// The per-pixel count of polygons covering each pixel, row-major (h*w values).
    /// A first polygon of exactly 4 numbers makes pycocotools read the whole list as
    /// <c>[x, y, width, height]</c> boxes; that reading is reproduced here.
    /// </summary>
    public static int[] SummedPolygons(IReadOnlyList<double[]> polygons, int height, int width, string source)
    {
        ArgumentNullException.ThrowIfNull(polygons);
        MaskLimits.CheckSize(height, width, source);
        if (polygons.Count == 0)
        {
            throw new InvalidDataException($"{source}: segmentation has no polygons");
        }
        var readAsBoxes = polygons[0].Length == 4;
        var sums = new int[height * width];
        for (var i = 0; i < polygons.Count; i++)
        {
            var polygonSource = $"{source} polygon {i}";
            var polygon = polygons[i];
            if (readAsBoxes)
            {
                polygon = BoxCorners(polygon, polygonSource);
            }
            else if (polygon.Length % 2 == 0 && polygon.Length < 4)
            {
                // pycocotools rejects these outright; say so rather than guess.
                throw new InvalidDataException($"{polygonSource}: polygon has {polygon.Length} coordinates, fewer than two points");
            }
            CocoPolygonRasterizer.Rasterize(polygon, height, width, polygonSource).AddTo(sums);
        }
        return sums;
    }

    /// <summary>The reference truth of a polygon segmentation: foreground where exactly one polygon covers the pixel.</summary>
    public static BinaryMask FromPolygons(IReadOnlyList<double[]> polygons, int height, int width, string source)
    {
        var sums = SummedPolygons(polygons, height, width, source);
        var pixels = new byte[sums.Length];
        for (var i = 0; i < sums.Length; i++)
        {
            pixels[i] = sums[i] == 1 ? (byte)1 : (byte)0;
        }
        return new BinaryMask(width, height, pixels);
    }

    /// <summary>Decodes a compressed COCO RLE <c>counts</c> string.</summary>
    public static BinaryMask FromCompressedRle(string counts, int height, int width, string source) =>
        CocoRle.FromCompressedString(counts, height, width, source).ToMask();

    /// <summary>Decodes an uncompressed COCO RLE (a list of run lengths).</summary>
    public static BinaryMask FromUncompressedRle(IReadOnlyList<long> counts, int height, int width, string source) =>
        CocoRle.FromUncompressed(counts, height, width, source).ToMask();

    /// <summary>
    /// The truth mask of any segmentation for an image of <paramref name="height"/> x <paramref name="width"/>.
    /// An RLE must be of the image's size.
    /// </summary>
    public static BinaryMask FromSegmentation(CocoSegmentation segmentation, int height, int width, string source)
    {
        ArgumentNullException.ThrowIfNull(segmentation);
        switch (segmentation)
        {
            case CocoSegmentation.Polygons polygons:
                return FromPolygons(polygons.Items, height, width, source);
            case CocoSegmentation.Rle rle:
                if (rle.Height != height || rle.Width != width)
                {
                    throw new InvalidDataException(
                        $"{source}: RLE size {rle.Height}x{rle.Width} differs from the image's {height}x{width} (height x width)");
                }
                return rle.CompressedCounts is not null
                    ? FromCompressedRle(rle.CompressedCounts, height, width, source)
                    : FromUncompressedRle(rle.UncompressedCounts
                        ?? throw new InvalidDataException($"{source}: RLE segmentation has no counts"), height, width, source);
            default:
                throw new InvalidDataException($"{source}: unsupported segmentation {segmentation.GetType().Name}");
        }
    }

    private static double[] BoxCorners(double[] box, string source)
    {
        if (box.Length != 4)
        {
            throw new InvalidDataException(
                $"{source}: the first polygon has 4 numbers, so the COCO API reads every entry as an [x, y, w, h] box, but this one has {box.Length}");
        }
        double xs = box[0], ys = box[1], xe = xs + box[2], ye = ys + box[3];
        return [xs, ys, xs, ye, xe, ye, xe, ys];
    }
}
