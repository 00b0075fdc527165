using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Vpd.Core.Contracts;
using Vpd.Core.Masks;

namespace Vpd.Pipeline.Segmentation;

/// <summary>
/// A trivial deterministic segmenter with no model: resizes the image to S x S (nearest neighbour) and
/// marks the pixels whose luminance is above a threshold derived from the sentence's length. It
/// exercises the pipeline (tests, <c>vpd bench pipeline</c>) with masks that differ per image and
/// sentence, at no compute cost; it says nothing about the model.
/// </summary>
public sealed class ThresholdSegmenter : ISegmenter
{
    public const string Kind = "threshold";

    public IReadOnlyList<BinaryMask> Segment(
        RunManifest manifest, string imageId, Image<Rgb24> image, IReadOnlyList<string> sentences,
        CancellationToken cancellationToken)
    {
        var size = manifest.ImageSize;
        using var resized = image.Clone(x => x.Resize(size, size, KnownResamplers.NearestNeighbor));
        using var gray = resized.CloneAs<L8>();
        var luminance = new byte[size * size];
        gray.CopyPixelDataTo(luminance);
        return sentences.Select(sentence =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var threshold = ThresholdFor(sentence);
            return new BinaryMask(size, size, luminance.Select(l => (byte)(l > threshold ? 1 : 0)).ToArray());
        }).ToList();
    }

    /// <summary>Stable across processes (unlike string.GetHashCode): 64..191 from the text's length.</summary>
    public static int ThresholdFor(string sentence) => 64 + (sentence.Length * 37 % 128);

    /// <summary>The factory: needs nothing from the model file.</summary>
    public sealed class Factory : ISegmenterFactory
    {
        private int _created;

        /// <summary>How many segmenters were created (a warm model cache creates one per model).</summary>
        public int Created => _created;

        public ISegmenter Create(RunManifest manifest, string modelFile)
        {
            Interlocked.Increment(ref _created);
            return new ThresholdSegmenter();
        }
    }
}
