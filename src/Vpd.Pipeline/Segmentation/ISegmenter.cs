using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Masks;

namespace Vpd.Pipeline.Segmentation;

/// <summary>One sentence's result: the sentence it belongs to, its S x S mask, and its attention maps when asked for.</summary>
/// <param name="Attention">The sentence's averaged cross-attention maps, encoded for storage; null unless requested and available.</param>
public sealed record SegmentedSentence(Sentence Sentence, BinaryMask Mask, byte[]? Attention = null);

/// <summary>
/// Segments the referring expressions of one referred object. The pipeline hands over the image as decoded (RGB,
/// original size, bounded by <see cref="ImageFiles.DefaultMaxSide"/>) and lets the segmenter apply its evaluation
/// transform, so that the queue pipeline and in-process evaluation share one transform and give identical masks.
/// </summary>
/// <remarks>
/// Implementations may be called concurrently by several workers of one process and must be safe for that. Input the
/// model cannot use throws <see cref="InvalidDataException"/> (recorded as failed samples); any other exception is
/// treated as transient (the message is retried and, after the queue's maxDequeueCount, recorded via the poison queue).
/// </remarks>
public interface ISegmenter
{
    /// <summary>One result per sentence, each carrying its sentence; masks are <see cref="RunManifest.ImageSize"/> square.</summary>
    /// <param name="image">The image; <see cref="ImageInput.Id"/> seeds its noise, <see cref="ImageInput.ContentKey"/> keys cached latents.</param>
    IReadOnlyList<SegmentedSentence> Segment(
        RunManifest manifest, ImageInput image, IReadOnlyList<Sentence> sentences, bool withAttention, CancellationToken cancellationToken);
}

/// <summary>An image to segment: its id (which seeds its noise), a key unique to its content, and its pixels.</summary>
public sealed record ImageInput(string Id, string ContentKey, RgbImage Pixels);
