using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Masks;

namespace Vpd.Pipeline.Segmentation;

/// <summary>
/// Segments the referring expressions of one referred object. The pipeline hands over the image as
/// decoded (RGB, original size, bounded by <see cref="ImageFiles.DefaultMaxSide"/>) and lets the segmenter apply
/// its evaluation transform (resize to S x S, normalisation), so that the queue pipeline and in-process
/// evaluation share one transform and give identical masks.
/// </summary>
/// <remarks>
/// Implementations may be called concurrently by several workers of one process and must be safe for
/// that (a GPU model serialises internally). Input the model cannot use throws
/// <see cref="InvalidDataException"/> (recorded as failed samples); any other exception is treated as
/// transient (the message is retried and, after maxDequeueCount, recorded via the poison queue).
/// </remarks>
public interface ISegmenter
{
    /// <summary>
    /// One mask per sentence, in order, each <see cref="RunManifest.ImageSize"/> square.
    /// </summary>
    /// <param name="imageId">Seeds the per-image noise (ARCHITECTURE.md, "Reproducibility").</param>
    IReadOnlyList<BinaryMask> Segment(
        RunManifest manifest, string imageId, RgbImage image, IReadOnlyList<string> sentences,
        CancellationToken cancellationToken);
}
