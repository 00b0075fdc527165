using Vpd.Model.Checkpoints;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Model.Tests.Nn;

public sealed class ChannelsLastTests
{
    [SkippableFact]
    public void ToChannelsLast_GoldenVpdCase_SameLogitsWithinGoldenTolerance()
    {
        var path = RepoPaths.Golden("vpd_refer_tiny.safetensors");
        var config = VpdReferConfig.FromMetadata(SafetensorsFile.ReadMetadata(path), path);
        var golden = SafetensorsFile.Load(path);
        using var model = new VpdRefer(config);
        ModuleWeights.LoadStrict(model, golden, ignore: n => n.Split('.')[0] is "input" or "output" or "intermediate" or "constant", source: path);
        model.eval();

        model.ToChannelsLast();
        using var result = model.Predict(golden["input.image"], golden["input.l_feats"]);

        var convWeights = model.named_parameters().Where(p => p.parameter.dim() == 4 && p.parameter.shape[1] > 1).ToList();
        Assert.NotEmpty(convWeights);
        Assert.All(convWeights, p => Assert.True(ChannelsLast.IsChannelsLast(p.parameter), p.name));
        var error = GoldenCompare.RelativeError(result.Logits, golden["output.logits"]);
        Assert.True(error < GoldenCompare.RelativeTolerance, $"logits relative error {error}");
    }

    [Fact]
    public void Layout_ContiguousTensor_KeepsShapeAndValuesWithUnitChannelStride()
    {
        using var x = arange(2 * 3 * 4 * 5, dtype: ScalarType.Float32).reshape(2, 3, 4, 5);

        using var laidOut = ChannelsLast.Layout(x);

        Assert.Equal(x.shape, laidOut.shape);
        Assert.True(ChannelsLast.IsChannelsLast(laidOut) && !ChannelsLast.IsChannelsLast(x));
        Assert.True(laidOut.allclose(x));
    }
}
