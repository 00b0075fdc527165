using Vpd.Core.Imaging;
using Vpd.Core.Refer;
using Vpd.Model.Checkpoints;
using Vpd.Model.Inference;
using Vpd.Model.Tests.Training;
using Vpd.Tools.Training;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Model.Tests.Inference;

[Collection(TrainingCollection.Name)]
public sealed class ObjectSegmenterTests(TinyRefShapes data)
{
    /// <summary>
    /// A random Tiny whose head bias is moved so that about half the pixels are foreground: masks with
    /// boundaries everywhere, where any numerical difference between batchings would show.
    /// </summary>
    private static VpdModel BalancedTinyModel(ReferDataset dataset, ReferRef item)
    {
        var model = ModelInit.Create(new TrainingOptions { DataRoot = "-", DatasetId = "refshapes", Init = TrainingOptions.TinyInit, OutDir = "-", Seed = 3 });
        var size = model.Config.Refer.ImageSize;
        using var scope = NewDisposeScope();
        using var image = tensor(EvalTransform.LoadImage(dataset.ImagePath(item.ImageId), size), [1, 3, size, size]);
        using var text = model.EncodeText([item.Sentences[0].Sent]);
        using var result = model.Refer.Predict(image, text);
        var margin = (result.Logits.select(1, 1) - result.Logits.select(1, 0)).median().item<float>();
        using (no_grad())
        {
            var bias = model.Refer.Classifier.named_parameters().Single(p => p.name == "conv1_1.bias").parameter;
            bias[1].sub_(margin);
        }
        return model;
    }

    private static (ReferDataset Dataset, ReferRef Item) ObjectWithSentences(TinyRefShapes data)
    {
        var dataset = ReferDataset.Load(data.DataRoot, TinyRefShapes.DatasetId);
        return (dataset, dataset.Refs("val").First(r => r.Sentences.Count >= 2));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void Segment_SentencesTogetherOrOneAtATime_GiveTheSameMasks(int noiseStep)
    {
        var (dataset, item) = ObjectWithSentences(data);
        using var model = BalancedTinyModel(dataset, item);
        var options = SegmenterOptions.Cpu with { NoiseStep = noiseStep, NoiseSeed = 9 };
        using var together = new ObjectSegmenter(model, options);
        using var alone = new ObjectSegmenter(model, options);
        var imageId = item.ImageId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var image = EvalTransform.LoadImage(dataset.ImagePath(item.ImageId), together.ImageSize);
        var sentences = item.Sentences.Select(s => s.Sent).ToList();

        var batched = together.Segment(imageId, image, sentences);
        var single = sentences.Select(s => Assert.Single(alone.Segment(imageId, image, [s]).Masks)).ToList();

        Assert.Equal(sentences.Count, batched.Masks.Count);
        var plane = together.ImageSize * together.ImageSize;
        for (var i = 0; i < sentences.Count; i++)
        {
            Assert.Equal(together.ImageSize, batched.Masks[i].Width);
            Assert.True(batched.Masks[i].Pixels.SequenceEqual(single[i].Pixels), $"sentence {i} differs between batchings");
            Assert.InRange(batched.Masks[i].Area, 1, plane - 1); // not a trivial all-background mask
        }
    }

    [Fact]
    public void Segment_NoiseSeedChanges_MasksChangeButSameSeedRepeats()
    {
        var (dataset, item) = ObjectWithSentences(data);
        using var model = BalancedTinyModel(dataset, item);
        using var seedA = new ObjectSegmenter(model, SegmenterOptions.Cpu with { NoiseStep = 500, NoiseSeed = 1 });
        using var seedB = new ObjectSegmenter(model, SegmenterOptions.Cpu with { NoiseStep = 500, NoiseSeed = 2 });
        var image = EvalTransform.LoadImage(dataset.ImagePath(item.ImageId), seedA.ImageSize);
        string[] sentence = [item.Sentences[0].Sent];

        var first = seedA.Segment("7", image, sentence).Masks[0];
        var again = seedA.Segment("7", image, sentence).Masks[0];
        var other = seedB.Segment("7", image, sentence).Masks[0];

        Assert.True(first.Pixels.SequenceEqual(again.Pixels));
        Assert.False(first.Pixels.SequenceEqual(other.Pixels));
    }

    [Fact]
    public void Segment_SameImageTwice_EncodesItOnce()
    {
        var (dataset, item) = ObjectWithSentences(data);
        using var model = BalancedTinyModel(dataset, item);
        using var segmenter = new ObjectSegmenter(model, SegmenterOptions.Cpu with { LatentCacheImages = 2 });
        var image = EvalTransform.LoadImage(dataset.ImagePath(item.ImageId), segmenter.ImageSize);
        var loads = 0;
        float[] Load()
        {
            loads++;
            return image;
        }

        segmenter.Segment("a", Load, ["red circle"]);
        segmenter.Segment("a", Load, ["blue square"]);
        segmenter.Segment("b", Load, ["blue square"]);
        segmenter.Segment("c", Load, ["blue square"]);
        segmenter.Segment("a", Load, ["blue square"]); // evicted by b and c

        Assert.Equal(4, loads);
        Assert.Equal(2, segmenter.CachedImages);
    }

    [Fact]
    public void Segment_WithAttention_ReturnsMapsPerTokenThatSumToOne()
    {
        var (dataset, item) = ObjectWithSentences(data);
        using var model = BalancedTinyModel(dataset, item);
        using var segmenter = new ObjectSegmenter(model, SegmenterOptions.Cpu);
        var rgb = ImageFiles.LoadRgb(dataset.ImagePath(item.ImageId));
        var config = model.Config.Refer;

        var result = segmenter.Segment("x", rgb, ["red circle", "the left one"], withAttention: true);

        Assert.NotNull(result.Attention);
        Assert.Equal(2, result.Attention!.Count);
        foreach (var sentence in result.Attention)
        {
            Assert.Equal(config.TokenLength, sentence.TokenIds.Count);
            Assert.Equal([config.AttentionSide32, config.AttentionSide16], sentence.Maps.Keys.Order());
            foreach (var side in sentence.Maps.Keys)
            {
                // Each position's attention over the tokens sums to one.
                for (var position = 0; position < side * side; position++)
                {
                    var sum = Enumerable.Range(0, config.TokenLength).Sum(t => sentence.Map(side, t)[position]);
                    Assert.InRange(sum, 0.999, 1.001);
                }
            }
        }
    }

    [Fact]
    public void Load_ModelFileInBFloat16_SegmentsAtImageSize()
    {
        var (dataset, item) = ObjectWithSentences(data);
        using var model = BalancedTinyModel(dataset, item);
        using var dir = new TempDir();
        var path = dir.File("tiny.safetensors");
        VpdModelFile.Save(model, path);

        using var segmenter = ObjectSegmenter.Load(path, SegmenterOptions.Parse("cpu", "bfloat16"));
        var result = segmenter.Segment("1", ImageFiles.LoadRgb(dataset.ImagePath(item.ImageId)), [item.Sentences[0].Sent]);

        Assert.Equal(ScalarType.BFloat16, segmenter.Model.DType);
        Assert.Equal(model.Config.Refer.ImageSize, Assert.Single(result.Masks).Height);
    }

    [Fact]
    public void Segment_BadInput_ThrowsNamingIt()
    {
        var (dataset, item) = ObjectWithSentences(data);
        using var model = BalancedTinyModel(dataset, item);
        using var segmenter = new ObjectSegmenter(model, SegmenterOptions.Cpu);

        var noSentences = Assert.Throws<ArgumentException>(() => segmenter.Segment("5", new float[3], []));
        var wrongSize = Assert.Throws<ArgumentException>(() => segmenter.Segment("5", new float[3], ["red"]));
        var wrongDType = Assert.Throws<ArgumentException>(() => new ObjectSegmenter(model, SegmenterOptions.Cpu with { DType = ScalarType.BFloat16 }));

        Assert.Contains("image 5", noSentences.Message, StringComparison.Ordinal);
        Assert.Contains("got 3", wrongSize.Message, StringComparison.Ordinal);
        Assert.Contains("BFloat16", wrongDType.Message, StringComparison.Ordinal);
    }
}
