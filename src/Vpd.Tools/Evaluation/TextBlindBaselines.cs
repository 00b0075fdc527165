using Vpd.Core.Imaging;
using Vpd.Core.Masks;
using Vpd.Core.Metrics;
using Vpd.Core.Refer;

namespace Vpd.Tools.Evaluation;

/// <summary>
/// Predictions that ignore the sentence, made from the dataset's own truth, to show what a model gains
/// by reading: the largest object of the image, and the union of all objects of the image. "Objects"
/// are the image's referred objects (the dataset loads only annotations that some ref names; every
/// RefShapes shape with a sentence is one). Scored per sentence like a model, at S x S.
/// </summary>
public static class TextBlindBaselines
{
    public sealed record Result(IouAccumulator LargestObject, IouAccumulator UnionOfObjects);

    public static Result Run(ReferDataset dataset, string split, int size, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var objects = SplitObjects.Take(dataset, split, limit);
        var byImage = dataset.AllRefs.GroupBy(r => r.ImageId).ToDictionary(g => g.Key, g => g.DistinctBy(r => r.AnnId).ToList());
        var largest = new IouAccumulator();
        var union = new IouAccumulator();
        var predictions = new Dictionary<long, (BinaryMask Largest, BinaryMask Union)>();
        foreach (var item in objects)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!predictions.TryGetValue(item.ImageId, out var predicted))
            {
                predicted = Predict(dataset, byImage[item.ImageId], size);
                predictions.Clear(); // refs of an image are adjacent in RefCOCO files; keep memory flat
                predictions[item.ImageId] = predicted;
            }
            var truth = EvalTransform.ResizeTruth(dataset.TruthMask(item.RefId), size);
            var largestCounts = IouCounts.Compute(predicted.Largest, truth);
            var unionCounts = IouCounts.Compute(predicted.Union, truth);
            for (var i = 0; i < item.Sentences.Count; i++)
            {
                largest.Add(largestCounts);
                union.Add(unionCounts);
            }
        }
        return new Result(largest, union);
    }

    private static (BinaryMask Largest, BinaryMask Union) Predict(ReferDataset dataset, IReadOnlyList<ReferRef> refs, int size)
    {
        BinaryMask? largest = null;
        long largestArea = -1;
        var union = new byte[size * size];
        foreach (var item in refs)
        {
            var truth = dataset.TruthMask(item.RefId);
            var area = truth.Area;
            var resized = EvalTransform.ResizeTruth(truth, size);
            if (area > largestArea)
            {
                largestArea = area;
                largest = resized;
            }
            for (var p = 0; p < union.Length; p++)
            {
                union[p] |= resized.Pixels[p];
            }
        }
        return (largest!, new BinaryMask(size, size, union));
    }
}
