using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Masks;
using Vpd.Pipeline.Hosting;

namespace Vpd.Pipeline.Segmentation;

/// <summary>
/// A trivial deterministic segmenter with no model: resizes the image to S x S (nearest neighbour) and marks the
/// pixels whose luminance is above a threshold derived from the sentence's length. It exercises the pipeline (tests,
/// <c>vpd bench pipeline</c>) with masks that differ per image and sentence, at no compute cost; it says nothing about
/// the model. Runs whose manifest names the model kind <see cref="Kind"/> get it.
/// </summary>
public sealed class ThresholdSegmenter : ISegmenter
{
    public const string Kind = "threshold";

    public IReadOnlyList<SegmentedSentence> Segment(
        RunManifest manifest, ImageInput image, IReadOnlyList<Sentence> sentences, bool withAttention, CancellationToken cancellationToken)
    {
        var size = manifest.ImageSize;
        var luminance = Luminance(image.Pixels, size);
        return [.. sentences.Select(sentence =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var threshold = ThresholdFor(sentence.Text);
            return new SegmentedSentence(sentence, new BinaryMask(size, size, [.. luminance.Select(l => (byte)(l > threshold ? 1 : 0))]));
        })];
    }

    /// <summary>The masks for <paramref name="sentences"/> on <paramref name="image"/>, computed without storage (tests compare with this).</summary>
    public static IReadOnlyList<BinaryMask> Masks(RgbImage image, int size, IEnumerable<string> sentences)
    {
        var luminance = Luminance(image, size);
        return [.. sentences.Select(s => new BinaryMask(size, size, [.. luminance.Select(l => (byte)(l > ThresholdFor(s) ? 1 : 0))]))];
    }

    // Nearest-neighbour sample of the image at size x size, mean of R, G, B.
    private static byte[] Luminance(RgbImage image, int size)
    {
        var luminance = new byte[size * size];
        for (var y = 0; y < size; y++)
        {
            var sy = y * image.Height / size;
            for (var x = 0; x < size; x++)
            {
                var source = ((sy * image.Width) + (x * image.Width / size)) * 3;
                luminance[(y * size) + x] = (byte)((image.Pixels[source] + image.Pixels[source + 1] + image.Pixels[source + 2]) / 3);
            }
        }
        return luminance;
    }

    /// <summary>Stable across processes (unlike string.GetHashCode): 64..191 from the text's length.</summary>
    public static int ThresholdFor(string sentence) => 64 + (sentence.Length * 37 % 128);

    /// <summary>The factory: needs nothing from the model file.</summary>
    public sealed class Factory : ISegmenterFactory
    {
        private int _created;

        /// <summary>How many segmenters were created (a warm model cache creates one per model).</summary>
        public int Created => _created;

        public ISegmenter Create(RunManifest manifest, string modelFile, HostSettings host)
        {
            Interlocked.Increment(ref _created);
            return new ThresholdSegmenter();
        }
    }
}
