using Vpd.Core.Imaging;
using Vpd.Core.Metrics;
using Vpd.Core.Refer;
using Vpd.Tools.Evaluation;
using Vpd.Model.Inference;
using Vpd.Model.Tests.Training;
using Vpd.Tools.Training;

namespace Vpd.Model.Tests.Evaluation;

[Collection(TrainingCollection.Name)]
public sealed class SplitEvaluatorTests(TinyRefShapes data)
{
    private static VpdModel RandomTiny() =>
        ModelInit.Create(new TrainingOptions { DataRoot = "-", DatasetId = "refshapes", Init = TrainingOptions.TinyInit, OutDir = "-", Seed = 4 });

    [Fact]
    public void Run_WholeSplit_ScoresEverySentenceAgainstItsTruthAtS()
    {
        var dataset = ReferDataset.Load(data.DataRoot, TinyRefShapes.DatasetId);
        using var model = RandomTiny();
        using var segmenter = new ObjectSegmenter(model, SegmenterOptions.Cpu);
        var size = segmenter.ImageSize;

        var report = SplitEvaluator.Run(dataset, "val", segmenter);

        var samples = dataset.Samples("val");
        Assert.Equal(samples.Count, report.Sentences.Count);
        Assert.Equal(samples.Select(s => s.SentId), report.Sentences.Select(s => s.SentId));
        Assert.Equal(samples.Count, report.Metrics.Count);
        Assert.Equal(dataset.Refs("val").Count, report.Objects);
        // Every union holds the whole truth, resized to S x S nearest-neighbour.
        foreach (var score in report.Sentences)
        {
            var truthArea = EvalTransform.ResizeTruth(dataset.TruthMask(score.RefId), size).Area;
            Assert.InRange(score.Counts.Union, truthArea, (long)size * size);
            Assert.InRange(score.Counts.Intersection, 0, truthArea);
        }
        Assert.Equal(report.Sentences.Sum(s => s.Counts.Intersection), report.Metrics.SumIntersection);
    }

    [Fact]
    public void Run_Limit_TakesTheFirstObjects()
    {
        var dataset = ReferDataset.Load(data.DataRoot, TinyRefShapes.DatasetId);
        using var model = RandomTiny();
        using var segmenter = new ObjectSegmenter(model, SegmenterOptions.Cpu);

        var report = SplitEvaluator.Run(dataset, "val", segmenter, new EvaluationOptions(Limit: 2));

        var firstTwo = dataset.Refs("val").Take(2).ToList();
        Assert.Equal(2, report.Objects);
        Assert.Equal(firstTwo.SelectMany(r => r.Sentences.Select(s => s.SentId)), report.Sentences.Select(s => s.SentId));
    }

    [Fact]
    public void Run_ShuffledSentences_ReadsAnotherObjectOfTheSameImage()
    {
        var dataset = ReferDataset.Load(data.DataRoot, TinyRefShapes.DatasetId);
        using var model = RandomTiny();
        using var segmenter = new ObjectSegmenter(model, SegmenterOptions.Cpu);
        var refs = dataset.Refs("val");
        var sentenceOwner = refs.SelectMany(r => r.Sentences.Select(s => (s.SentId, r))).ToDictionary(p => p.SentId, p => p.r);

        var report = SplitEvaluator.Run(dataset, "val", segmenter, new EvaluationOptions(ShuffleSentences: true));

        Assert.NotEmpty(report.Sentences);
        foreach (var score in report.Sentences)
        {
            var owner = sentenceOwner[score.SentId];
            Assert.NotEqual(score.RefId, owner.RefId);
            Assert.Equal(score.ImageId, owner.ImageId);
        }
        var alone = refs.GroupBy(r => r.ImageId).Count(g => g.Count() == 1);
        Assert.Equal(alone, report.SkippedObjects);
        Assert.Equal(refs.Count, report.Objects + report.SkippedObjects);
    }

    [Fact]
    public void Baselines_UnionOfObjects_CoversEveryTruthAndLargestIsOneObject()
    {
        var dataset = ReferDataset.Load(data.DataRoot, TinyRefShapes.DatasetId);
        const int size = 128;

        var result = TextBlindBaselines.Run(dataset, "val", size);

        var samples = dataset.Samples("val");
        var truthPixels = samples.Sum(s => EvalTransform.ResizeTruth(dataset.TruthMask(s.RefId), size).Area);
        Assert.Equal(samples.Count, result.UnionOfObjects.Count);
        Assert.Equal(truthPixels, result.UnionOfObjects.SumIntersection); // the union contains each truth
        Assert.Equal(samples.Count, result.LargestObject.Count);
        // The largest object is exactly right for the sentences of the largest object of each image.
        Assert.True(result.LargestObject.CountsAtThreshold[IouAccumulator.Thresholds.Count - 1] > 0);
        Assert.True(result.LargestObject.OverallIou < 1.0);
    }
}
