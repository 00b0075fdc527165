using Vpd.Core.Refer;
using Vpd.Core.Synthetic;
using Vpd.Tools.Evaluation;
using Vpd.Model.Inference;
using Vpd.TestSupport;
using Xunit.Abstractions;

namespace Vpd.Model.Tests.Evaluation;

/// <summary>
/// The checkpoint the README's main command evaluates must segment by the sentence (TINY.md: oIoU >= 0.60,
/// shuffled sentences at most half of it), here on RefShapes images it never saw: another seed than the
/// dataset it was trained and validated on.
/// </summary>
public sealed class ShippedTinyModelTests(ITestOutputHelper output)
{
    [Fact]
    public void Evaluate_UnseenRefShapesImages_SegmentsByTheSentence()
    {
        using var dir = new TempDir();
        RefShapesGenerator.Write(dir.Path, new RefShapesOptions { Seed = 20261125, TrainImages = 0, ValImages = 40, TestAImages = 0, TestBImages = 0 });
        var dataset = ReferDataset.Load(dir.Path, "refshapes");
        using var segmenter = ObjectSegmenter.Load(Path.Combine(RepoPaths.Root, "models", "tiny-refshapes.safetensors"), SegmenterOptions.Cpu);

        var report = SplitEvaluator.Run(dataset, "val", segmenter);
        var shuffled = SplitEvaluator.Run(dataset, "val", segmenter, new EvaluationOptions(ShuffleSentences: true));

        output.WriteLine($"{report.Metrics.Count} sentences: oIoU {report.Metrics.OverallIou:P2}, shuffled {shuffled.Metrics.OverallIou:P2}");
        Assert.True(report.Metrics.Count > 50, $"only {report.Metrics.Count} sentences");
        Assert.True(report.Metrics.OverallIou >= 0.60, $"oIoU {report.Metrics.OverallIou:P2} on unseen RefShapes images");
        Assert.True(shuffled.Metrics.OverallIou <= report.Metrics.OverallIou / 2, $"shuffled sentences still reach {shuffled.Metrics.OverallIou:P2}");
    }
}
