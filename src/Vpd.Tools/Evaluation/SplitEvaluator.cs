using System.Diagnostics;
using System.Globalization;
using Vpd.Core.Imaging;
using Vpd.Core.Metrics;
using Vpd.Core.Refer;
using Vpd.Model.Inference;

namespace Vpd.Tools.Evaluation;

/// <summary>
/// In-process evaluation of a split with VPD's protocol (docs/faithfulness.md): per sentence,
/// the predicted mask and the truth (nearest-resized) both at S x S give I and U; the accumulator turns
/// them into oIoU, mIoU and P@0.5..0.9. Batching is the pipeline's: one referred object at a time with
/// all its sentences, image ids as invariant decimal strings (they seed the noise).
/// </summary>
public static class SplitEvaluator
{
    public static EvaluationReport Run(
        ReferDataset dataset,
        string split,
        ObjectSegmenter segmenter,
        EvaluationOptions? options = null,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(segmenter);
        options ??= new EvaluationOptions();
        options.Validate();
        var size = segmenter.ImageSize;
        var objects = SplitObjects.Take(dataset, split, options.Limit);
        var pairs = options.ShuffleSentences ? ShuffledSentences.Pair(objects, dataset.Refs(split)) : null;
        var metrics = new IouAccumulator();
        var scores = new List<SentenceScore>();
        var clock = Stopwatch.StartNew();
        int done = 0, skipped = 0;
        foreach (var item in objects)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IReadOnlyList<ReferSentence> sentences = item.Sentences;
            if (pairs is not null)
            {
                if (!pairs.TryGetValue(item.RefId, out var other))
                {
                    skipped++;
                    continue;
                }
                sentences = ShuffledSentences.Borrow(item, other);
            }
            var imagePath = dataset.ImagePath(item.ImageId);
            var segmentation = segmenter.Segment(
                ImageKey(item.ImageId), () => EvalTransform.LoadImage(imagePath, size), [.. sentences.Select(s => s.Sent)]);
            var truth = EvalTransform.ResizeTruth(dataset.TruthMask(item.RefId), size);
            for (var i = 0; i < sentences.Count; i++)
            {
                var counts = IouCounts.Compute(segmentation.Masks[i], truth);
                metrics.Add(counts);
                scores.Add(new SentenceScore(item.RefId, item.ImageId, sentences[i].SentId, counts));
            }
            done++;
            progress?.Report(new EvaluationProgress(done + skipped, objects.Count, scores.Count, clock.Elapsed));
        }
        return new EvaluationReport(split, scores, metrics, done, skipped, clock.Elapsed);
    }

    /// <summary>The image id as the pipeline passes it to the segmenter (and to <see cref="ImageNoise"/>).</summary>
    public static string ImageKey(long imageId) => imageId.ToString(CultureInfo.InvariantCulture);
}
