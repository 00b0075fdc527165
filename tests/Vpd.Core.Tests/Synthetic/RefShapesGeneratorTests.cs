using System.Diagnostics;
using Vpd.Core.Imaging;
using Vpd.Core.Refer;
using Vpd.Core.Synthetic;
using Vpd.TestSupport;
using Xunit.Abstractions;

namespace Vpd.Core.Tests.Synthetic;

public sealed class RefShapesGeneratorTests(ITestOutputHelper output)
{
    private static readonly RefShapesOptions Small = new()
    {
        Seed = 42,
        TrainImages = 30,
        ValImages = 8,
        TestAImages = 4,
        TestBImages = 4,
    };

    [Fact]
    public void Write_SmallDataset_ReaderReadsBackRefsSentencesAndTruth()
    {
        using var temp = new TempDir("vpd-refshapes");
        var generated = RefShapesGenerator.Write(temp.Path, Small);
        var dataset = ReferDataset.Load(temp.Path, "refshapes");

        Assert.Equal(["train", "val", "testA", "testB"], dataset.Splits);
        var referred = generated.Images.SelectMany(i => i.Objects.Where(o => o.RefId is not null).Select(o => (Image: i, Object: o))).ToList();
        Assert.Equal(referred.Count, dataset.AllRefs.Count);
        foreach (var (image, shape) in referred)
        {
            var read = dataset.Ref(shape.RefId!.Value);
            Assert.Equal((shape.AnnId, image.Id, image.Split, (long)shape.Kind), (read.AnnId, read.ImageId, read.Split, read.CategoryId));
            Assert.Equal(shape.Sentences.Select(s => (s.SentId, s.Sentence)), read.Sentences.Select(s => (s.SentId, s.Sent)));
            Assert.Equal(shape.Mask.Pixels, dataset.TruthMask(read.RefId).Pixels);
            Assert.Equal(image.FileName, dataset.Image(image.Id).FileName);
        }
        foreach (var (split, images) in Small.Splits)
        {
            var expectedSentences = generated.Images.Where(i => i.Split == split).SelectMany(i => i.Objects).Sum(o => o.Sentences.Count);
            Assert.Equal(expectedSentences, dataset.Samples(split).Count);
            Assert.Equal(images, generated.Images.Count(i => i.Split == split));
        }
    }

    [Fact]
    public void Write_SmallDataset_JpegsDecodeCloseToThePaintedPixels()
    {
        using var temp = new TempDir("vpd-refshapes");
        var generated = RefShapesGenerator.Write(temp.Path, Small);
        var dataset = ReferDataset.Load(temp.Path, "refshapes");
        foreach (var image in generated.Images.Take(6))
        {
            var decoded = ImageFiles.LoadRgb(dataset.ImagePath(image.Id));
            Assert.Equal((Small.ImageSize, Small.ImageSize), (decoded.Width, decoded.Height));
            var meanDifference = decoded.Pixels.Zip(image.Pixels.Pixels, (a, b) => Math.Abs(a - b)).Average();
            Assert.InRange(meanDifference, 0, 4);
        }
    }

    [Fact]
    public void Write_SameSeedTwice_ByteIdenticalFiles()
    {
        using var first = new TempDir("vpd-refshapes");
        using var second = new TempDir("vpd-refshapes");
        RefShapesGenerator.Write(first.Path, Small);
        RefShapesGenerator.Write(second.Path, Small);
        var files = Directory.EnumerateFiles(first.Path, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(first.Path, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files, Directory.EnumerateFiles(second.Path, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(second.Path, f)).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(2 + Small.Splits.Sum(s => s.Images), files.Count);
        foreach (var file in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(first.Path, file)).AsSpan()
                .SequenceEqual(File.ReadAllBytes(Path.Combine(second.Path, file))), $"{file} differs between runs");
        }
    }

    [Fact]
    public void Generate_DifferentSeeds_DifferentDatasets()
    {
        var a = RefShapesGenerator.Generate(Small);
        var b = RefShapesGenerator.Generate(Small with { Seed = 43 });
        Assert.NotEqual(
            a.Images.SelectMany(i => i.Objects).Select(o => o.CentreX).ToList(),
            b.Images.SelectMany(i => i.Objects).Select(o => o.CentreX).ToList());
    }

    [Fact]
    public void Generate_EverySentence_SinglesOutItsObjectInItsImage()
    {
        var generated = RefShapesGenerator.Generate(Small with { TrainImages = 300 });
        var sentences = 0;
        foreach (var image in generated.Images)
        {
            foreach (var shape in image.Objects)
            {
                foreach (var (_, sentence) in shape.Sentences)
                {
                    var referents = SentenceInterpreter.Referents(sentence, image.Objects);
                    Assert.True(referents.Count == 1 && ReferenceEquals(referents[0], shape),
                        $"image {image.Id}: '{sentence}' means {referents.Count} objects, not just annotation {shape.AnnId}");
                    sentences++;
                }
                Assert.InRange(shape.Sentences.Count, 0, 3);
                Assert.Equal(shape.Sentences.Count, shape.Sentences.Select(s => s.Sentence).Distinct().Count());
            }
        }
        var objects = generated.Images.Sum(i => i.Objects.Count);
        output.WriteLine($"{generated.Images.Count} images, {objects} shapes, {sentences} sentences");
        // Most shapes can be singled out in 2-3 ways; a dataset where few could would be useless.
        Assert.True(sentences >= 2 * objects * 0.9, $"only {sentences} sentences for {objects} shapes");
    }

    [Fact]
    public void Generate_PaintedPixels_AreExactlyEachShapesTruthMask()
    {
        var generated = RefShapesGenerator.Generate(Small);
        foreach (var image in generated.Images)
        {
            Assert.InRange(image.Objects.Count, Small.MinShapes, Small.MaxShapes);
            var pixels = image.Pixels.Pixels;
            var coverage = new int[image.Pixels.Width * image.Pixels.Height];
            foreach (var shape in image.Objects)
            {
                for (var i = 0; i < coverage.Length; i++)
                {
                    coverage[i] += shape.Mask.Pixels[i];
                }
            }
            for (var i = 0; i < coverage.Length; i++)
            {
                Assert.True(coverage[i] <= 1, $"image {image.Id}: shapes overlap at pixel {i}");
                // Background is grey-ish: every channel within the grey range, which no shape colour is.
                if (coverage[i] == 0 && (!InGreyRange(pixels[i * 3]) || !InGreyRange(pixels[(i * 3) + 1]) || !InGreyRange(pixels[(i * 3) + 2])))
                {
                    Assert.Fail($"image {image.Id}: background pixel {i} is not grey-ish");
                }
            }
            foreach (var shape in image.Objects)
            {
                var colours = Enumerable.Range(0, shape.Mask.Pixels.Length).Where(i => shape.Mask.Pixels[i] == 1)
                    .Select(i => (pixels[i * 3], pixels[(i * 3) + 1], pixels[(i * 3) + 2])).Distinct().ToList();
                Assert.Single(colours);
                Assert.Equal(shape.Mask.Area, shape.Area);
                Assert.InRange(shape.Area, 1, long.MaxValue);
            }
        }
    }

    private static bool InGreyRange(byte value) => value is >= 75 and <= 185;

    [Fact]
    public void Vocabulary_EveryGeneratedWord_IsListedAndEveryListedWordOccurs()
    {
        var generated = RefShapesGenerator.Generate(Small with { TrainImages = 300 });
        var used = generated.Images.SelectMany(i => i.Objects).SelectMany(o => o.Sentences)
            .SelectMany(s => s.Sentence.Split(' ')).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(RefShapesVocabulary.Words.ToHashSet(StringComparer.Ordinal), used);
        Assert.Equal(RefShapesVocabulary.Words.Order(StringComparer.Ordinal), used.Order(StringComparer.Ordinal));
        Assert.True(generated.Images.SelectMany(i => i.Objects).SelectMany(o => o.Sentences).All(s => s.Sentence.Split(' ').Length <= 5));
    }

    [Fact]
    public void Generate_SixHundredImages_WellUnderTenSeconds()
    {
        var watch = Stopwatch.StartNew();
        var generated = RefShapesGenerator.Generate(new RefShapesOptions { Seed = 3, TrainImages = 600, ValImages = 0, TestAImages = 0, TestBImages = 0 });
        watch.Stop();
        output.WriteLine($"{generated.Images.Count} images generated in {watch.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(600, generated.Images.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"generation took {watch.Elapsed}");
    }

    [Fact]
    public void Validate_ImpossibleOptions_ErrorNamesSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => RefShapesGenerator.Generate(new RefShapesOptions { MaxShapeSize = 100 }));
        Assert.Contains("shape size", error.Message);
        Assert.Throws<ArgumentException>(() => RefShapesGenerator.Generate(new RefShapesOptions { ValImages = -1 }));
        Assert.Throws<ArgumentException>(() => RefShapesGenerator.Generate(new RefShapesOptions { MinShapes = 1 }));
    }
}
