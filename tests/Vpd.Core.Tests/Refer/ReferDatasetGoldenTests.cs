using Vpd.Core.Imaging;
using Vpd.Core.Refer;

namespace Vpd.Core.Tests.Refer;

public sealed class ReferDatasetGoldenTests
{
    [SkippableFact]
    public void TruthMask_EveryGoldenRef_MatchesReferenceLoaderBitExactly()
    {
        var dataset = ReferDataset.Load(ReferTinyGolden.Root, "refcoco");
        using var expected = ReferTinyGolden.Expected();
        var refs = expected.RootElement.GetProperty("refs").EnumerateArray().ToList();
        Assert.NotEmpty(refs);
        foreach (var item in refs)
        {
            var refId = ReferTinyGolden.Id(item, "ref_id");
            var mask = dataset.TruthMask(refId);
            Assert.Equal(ReferTinyGolden.Id(item, "width"), mask.Width);
            Assert.Equal(ReferTinyGolden.Id(item, "height"), mask.Height);
            Assert.Equal(ReferTinyGolden.Digits(item, "truth_rowmajor"), mask.Pixels);
            Assert.Equal(ReferTinyGolden.Id(item, "ann_id"), dataset.Ref(refId).AnnId);
            Assert.Equal(ReferTinyGolden.Id(item, "image_id"), dataset.Ref(refId).ImageId);
        }
    }

    [SkippableFact]
    public void ResizeTruth_EveryGoldenRef_MatchesPilNearestExactly()
    {
        var dataset = ReferDataset.Load(ReferTinyGolden.Root, "refcoco");
        using var expected = ReferTinyGolden.Expected();
        foreach (var item in expected.RootElement.GetProperty("refs").EnumerateArray())
        {
            var resized = EvalTransform.ResizeTruth(dataset.TruthMask(ReferTinyGolden.Id(item, "ref_id")), 32);
            Assert.Equal(ReferTinyGolden.Digits(item, "truth_32x32_rowmajor"), resized.Pixels);
        }
    }

    [SkippableFact]
    public void Load_Protocol0AndProtocol2Pickles_GiveTheSameRefs()
    {
        var folder = Path.Combine(ReferTinyGolden.Root, "refcoco");
        var protocol2 = RefsPickle.Read(Path.Combine(folder, "refs(unc).p"));
        var protocol0 = RefsPickle.Read(Path.Combine(folder, "refs(unc)_protocol0.p"));
        Assert.NotEmpty(protocol2);
        Assert.Equal(protocol2.Count, protocol0.Count);
        for (var i = 0; i < protocol2.Count; i++)
        {
            Assert.Equal(protocol2[i] with { Sentences = [] }, protocol0[i] with { Sentences = [] });
            Assert.Equal(protocol2[i].Sentences.Count, protocol0[i].Sentences.Count);
            for (var s = 0; s < protocol2[i].Sentences.Count; s++)
            {
                var a = protocol2[i].Sentences[s];
                var b = protocol0[i].Sentences[s];
                Assert.Equal((a.SentId, a.Sent, a.Raw), (b.SentId, b.Sent, b.Raw));
                Assert.Equal(a.Tokens, b.Tokens);
            }
        }
    }

    [SkippableFact]
    public void Samples_EverySplit_OnePerSentenceInFileOrderWithExistingImages()
    {
        var dataset = ReferDataset.Load(ReferTinyGolden.Root, "refcoco");
        Assert.NotEmpty(dataset.Splits);
        var total = 0;
        foreach (var split in dataset.Splits)
        {
            var refs = dataset.Refs(split);
            var samples = dataset.Samples(split);
            Assert.Equal(refs.Sum(r => r.Sentences.Count), samples.Count);
            var expectedOrder = refs.SelectMany(r => r.Sentences.Select((s, i) => (r.RefId, i, s.SentId, s.Sent))).ToList();
            Assert.Equal(expectedOrder, samples.Select(s => (s.RefId, s.SentenceIndex, s.SentId, s.Sentence)).ToList());
            foreach (var sample in samples)
            {
                Assert.Equal(split, dataset.Ref(sample.RefId).Split);
                Assert.Equal(dataset.Ref(sample.RefId).AnnId, sample.AnnId);
                Assert.True(File.Exists(sample.ImagePath), sample.ImagePath);
                Assert.Equal(dataset.Image(sample.ImageId).FileName, Path.GetFileName(sample.ImagePath));
            }
            total += samples.Count;
        }
        Assert.Equal(dataset.AllRefs.Sum(r => r.Sentences.Count), total);
    }

    [SkippableFact]
    public void Samples_UnknownSplit_ErrorListsSplitsPresent()
    {
        var dataset = ReferDataset.Load(ReferTinyGolden.Root, "refcoco");
        var error = Assert.Throws<ArgumentException>(() => dataset.Samples("nosuchsplit"));
        Assert.Contains("nosuchsplit", error.Message);
        foreach (var split in dataset.Splits)
        {
            Assert.Contains(split, error.Message);
        }
    }
}
