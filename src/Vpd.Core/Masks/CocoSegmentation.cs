namespace Vpd.Core.Masks;

/// <summary>The <c>segmentation</c> of a COCO annotation: polygons, or a run-length encoding.</summary>
public abstract record CocoSegmentation
{
    private CocoSegmentation()
    {
    }

    /// <summary>One or more polygons, each a flat <c>x1, y1, x2, y2, ...</c> list in pixel coordinates.</summary>
    public sealed record Polygons(IReadOnlyList<double[]> Items) : CocoSegmentation;

    /// <summary>
    /// A run-length encoding of its own <c>size</c> [height, width]: either the compressed
    /// <c>counts</c> string or an uncompressed list of run lengths (exactly one is set).
    /// </summary>
    public sealed record Rle(int Height, int Width, string? CompressedCounts, IReadOnlyList<long>? UncompressedCounts) : CocoSegmentation;
}
