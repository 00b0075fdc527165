using Vpd.Core.Contracts;
using Vpd.Pipeline.Segmentation;

namespace Vpd.Pipeline.Tests;

public sealed class SegmenterFactoryByKindTests
{
    private static RunManifest Manifest(string kind) => new()
    {
        Run = "r1", Model = new ModelSpec(kind, "{}", "x", new string('c', 64)), TokenLength = 1, ImageSize = 8, NoiseStep = 0,
        NoiseSeed = 0, Dataset = "refshapes", Split = "val", ExpectedSentences = 1, ExpectedObjects = 1, Device = "cpu",
        Dtype = "float32", CodeVersion = "test", CreatedUtc = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void Create_ThresholdKind_ServedWithoutModelFactory()
    {
        var factory = new SegmenterFactoryByKind(model: null);

        Assert.IsType<ThresholdSegmenter>(factory.Create(Manifest(ThresholdSegmenter.Kind), "unused"));
    }

    [Fact]
    public void Create_ModelKind_DelegatedToModelFactory()
    {
        var model = new ThresholdSegmenter.Factory();
        var factory = new SegmenterFactoryByKind(model);

        factory.Create(Manifest("vpd-tiny"), "model.safetensors");

        Assert.Equal(1, model.Created);
        Assert.True(factory.HasModel);
    }

    [Fact]
    public void Create_ModelKindWithoutModelFactory_ThrowsInvalidDataNamingRunAndKind()
    {
        var e = Assert.Throws<InvalidDataException>(() => new SegmenterFactoryByKind(model: null).Create(Manifest("vpd-sd15"), "m"));

        Assert.Contains("'r1'", e.Message, StringComparison.Ordinal);
        Assert.Contains("vpd-sd15", e.Message, StringComparison.Ordinal);
    }
}
