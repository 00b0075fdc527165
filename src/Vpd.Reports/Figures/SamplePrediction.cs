using Vpd.Core.Attention;
using Vpd.Core.Masks;

namespace Vpd.Reports.Figures;

/// <summary>
/// What one run produced for a sample: its mask at S x S (null when the sentence failed or the mask is not
/// available), its IoU, optionally the sentence's attention maps, and the failure's reason.
/// </summary>
public sealed record SamplePrediction(BinaryMask? Mask, double? Iou, AttentionMaps? Attention = null, string? Error = null)
{
    internal void CheckFits(SampleView sample, string what)
    {
        if (Mask is not null && (Mask.Width != sample.Size || Mask.Height != sample.Size))
        {
            throw new ArgumentException($"{what}: prediction is {Mask.Width}x{Mask.Height} but the sample is {sample.Size}x{sample.Size}");
        }
    }
}

/// <summary>One sample and one run's prediction for it.</summary>
public sealed record FigureSample(SampleView Sample, SamplePrediction Prediction);

/// <summary>One run's predictions for a list of samples, in the samples' order, with the run's column title.</summary>
public sealed record RunPredictions(string Label, IReadOnlyList<SamplePrediction> Predictions);
