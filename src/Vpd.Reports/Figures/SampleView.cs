using Vpd.Core.Imaging;
using Vpd.Core.Masks;

namespace Vpd.Reports.Figures;

/// <summary>
/// One sample as the model saw it: the image resized to S x S by the evaluation transform, the ground truth at
/// S x S, and the sentence. What a figure needs of a sample whatever the run.
/// </summary>
public sealed class SampleView
{
    /// <summary>
    /// <paramref name="image"/> at its original size or already at S x S (it is resized with
    /// <see cref="EvalTransform.ResizeImage"/> when it is not); <paramref name="truth"/> at S x S.
    /// <paramref name="label"/> names the sample in captions (e.g. "ref 12, sentence 0").
    /// </summary>
    public SampleView(RgbImage image, BinaryMask truth, string sentence, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(sentence);
        if (truth.Width != truth.Height)
        {
            throw new ArgumentException($"truth must be S x S as the evaluation made it, got {truth.Width}x{truth.Height}", nameof(truth));
        }
        Size = truth.Width;
        Image = image.Width == Size && image.Height == Size ? image : EvalTransform.ResizeImage(image, Size);
        Truth = truth;
        Sentence = sentence;
        Label = label;
    }

    /// <summary>A sample from the original image and the original-size truth, both brought to S x S as the evaluation does.</summary>
    public static SampleView FromOriginal(RgbImage image, BinaryMask truth, int size, string sentence, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        return new SampleView(EvalTransform.ResizeImage(image, size), EvalTransform.ResizeTruth(truth, size), sentence, label);
    }

    /// <summary>The evaluation resolution S.</summary>
    public int Size { get; }

    /// <summary>The image at S x S.</summary>
    public RgbImage Image { get; }

    /// <summary>The ground truth at S x S.</summary>
    public BinaryMask Truth { get; }

    public string Sentence { get; }

    public string? Label { get; }
}
