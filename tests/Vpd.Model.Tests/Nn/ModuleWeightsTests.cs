using Vpd.Model.Checkpoints;
using TorchSharp;
using Vpd.Model.Nn;
using static TorchSharp.torch;

namespace Vpd.Model.Tests.Nn;

public sealed class ModuleWeightsTests
{
    [Fact]
    public void LoadStrict_MatchingDictionary_CopiesEveryTensor()
    {
        using var layer = nn.Linear(3, 2);
        var weights = new Dictionary<string, Tensor> { ["p.weight"] = ones(2, 3), ["p.bias"] = full(2, 7.0f) };

        ModuleWeights.LoadStrict(layer, weights, "p.");

        Assert.True(layer.weight!.allclose(ones(2, 3)));
        Assert.Equal(7f, layer.bias![1].item<float>());
    }

    [Fact]
    public void LoadStrict_MissingUnexpectedAndMisshapen_ListsEachAndCopiesNothing()
    {
        using var layer = nn.Linear(3, 2);
        using var before = layer.weight!.detach().clone();
        var weights = new Dictionary<string, Tensor> { ["p.weight"] = ones(2, 4), ["p.extra"] = ones(1), ["other.x"] = ones(1) };

        var error = Assert.Throws<StateDictMismatchException>(() => ModuleWeights.LoadStrict(layer, weights, "p.", source: "file.pth"));

        Assert.Contains("file.pth", error.Message);
        Assert.Contains("p.bias", error.MissingKeys);
        Assert.Contains("p.extra", error.UnexpectedKeys);
        Assert.Contains(error.MismatchedTensors, line => line.StartsWith("p.weight: checkpoint [2, 4]", StringComparison.Ordinal));
        Assert.DoesNotContain("other.x", error.Message);
        Assert.True(layer.weight!.allclose(before));
    }

    [Fact]
    public void LoadStrict_IgnoredExtraKey_Loads()
    {
        using var layer = nn.Linear(3, 2);
        var weights = new Dictionary<string, Tensor> { ["weight"] = ones(2, 3), ["bias"] = ones(2), ["post_quant_conv.weight"] = ones(1) };

        ModuleWeights.LoadStrict(layer, weights, ignore: name => name.StartsWith("post_quant_conv.", StringComparison.Ordinal));

        Assert.Equal(1f, layer.bias![0].item<float>());
    }
}
