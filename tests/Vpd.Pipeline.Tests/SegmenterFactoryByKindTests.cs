using Vpd.Core.Contracts;
using Vpd.Pipeline.Hosting;
using Vpd.Pipeline.Segmentation;

namespace Vpd.Pipeline.Tests;

public sealed class SegmenterFactoryByKindTests
{
    private static RunManifest Manifest(string kind) => new()
    {
        Run = "r1", Model = new ModelSpec(kind, "{}", "x", new string('c', 64)), Settings = new RunSettings("refshapes", "val", 8, 1, 0, 0),
        ExpectedSentences = 1, ExpectedObjects = 1, ObjectsSha256 = new string('d', 64), CodeVersion = "test", CreatedUtc = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void Create_ThresholdKind_ServedWithoutTheModelFactory()
    {
        var model = new ThresholdSegmenter.Factory();

        Assert.IsType<ThresholdSegmenter>(new SegmenterFactoryByKind(model).Create(Manifest(ThresholdSegmenter.Kind), "unused", HostSettings.Cpu));
        Assert.Equal(0, model.Created);
    }

    [Fact]
    public void Create_ModelKind_DelegatedToModelFactory()
    {
        var model = new ThresholdSegmenter.Factory();

        new SegmenterFactoryByKind(model).Create(Manifest("vpd-tiny"), "model.safetensors", HostSettings.Cpu);

        Assert.Equal(1, model.Created);
    }
}
