using Vpd.Core.Imaging;
using Vpd.Core.Masks;

namespace Vpd.Core.Synthetic;

/// <summary>A shape drawn in a RefShapes image, with the sentences that single it out (none when no sentence could).</summary>
/// <param name="AnnId">Its COCO annotation id.</param>
/// <param name="RefId">Its ref id, or null when it is not referred (no sentence singled it out).</param>
/// <param name="Kind">Circle, square or triangle (also the COCO category).</param>
/// <param name="Colour">The colour name used in sentences.</param>
/// <param name="Polygon">The polygon written to instances.json (x1, y1, x2, y2, ...).</param>
/// <param name="Mask">Its pixels: the polygon rasterised by the COCO mask API, exactly what was painted.</param>
/// <param name="Area">Its pixel count.</param>
/// <param name="CentreX">Mean x of its pixels.</param>
/// <param name="CentreY">Mean y of its pixels.</param>
/// <param name="Sentences">The referring expressions, each with its dataset-wide sentence id.</param>
public sealed record RefShapesObject(
    long AnnId,
    long? RefId,
    ShapeKind Kind,
    string Colour,
    double[] Polygon,
    BinaryMask Mask,
    long Area,
    double CentreX,
    double CentreY,
    IReadOnlyList<(long SentId, string Sentence)> Sentences);

/// <summary>One generated image with its shapes.</summary>
public sealed record RefShapesImage(long Id, string FileName, string Split, RgbImage Pixels, IReadOnlyList<RefShapesObject> Objects);

/// <summary>A whole generated dataset in memory, in the order it is written.</summary>
public sealed record RefShapesDataset(RefShapesOptions Options, IReadOnlyList<RefShapesImage> Images);
