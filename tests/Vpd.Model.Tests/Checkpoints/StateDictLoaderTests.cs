using TorchSharp;
using Vpd.Model.Checkpoints;
using Vpd.Model.Clip;
using static TorchSharp.torch;

namespace Vpd.Model.Tests.Checkpoints;

public sealed class StateDictLoaderTests
{
    private static readonly ClipTextConfig Small = new(30, 8, 1, 2, 16, 6, 1e-5, "quick_gelu");

    private static Dictionary<string, Tensor> RandomStateDict(nn.Module module) =>
        module.state_dict().ToDictionary(p => p.Key, p => torch.randn_like(p.Value));

    [Fact]
    public void LoadStrict_MissingAndExtraKey_ThrowsNamingBoth()
    {
        using var model = new ClipTextModel(Small);
        var stateDict = RandomStateDict(model);
        stateDict.Remove("text_model.encoder.layers.0.mlp.fc1.bias");
        stateDict["text_model.encoder.layers.0.mlp.fc3.weight"] = torch.zeros(2);
        var before = model.state_dict()["text_model.final_layer_norm.weight"].clone();

        var error = Assert.Throws<StateDictMismatchException>(() => StateDictLoader.LoadStrict(model, stateDict, "clip.ckpt"));

        Assert.Equal(["text_model.encoder.layers.0.mlp.fc1.bias"], error.MissingKeys);
        Assert.Equal(["text_model.encoder.layers.0.mlp.fc3.weight"], error.UnexpectedKeys);
        Assert.Contains("clip.ckpt", error.Message);
        Assert.Contains("text_model.encoder.layers.0.mlp.fc1.bias", error.Message);
        Assert.Contains("text_model.encoder.layers.0.mlp.fc3.weight", error.Message);
        Assert.True(before.allclose(model.state_dict()["text_model.final_layer_norm.weight"], rtol: 0, atol: 0), "a failed load must not change the module");
    }

    [Fact]
    public void LoadStrict_WrongShape_ThrowsNamingKeyAndShapes()
    {
        using var model = new ClipTextModel(Small);
        var stateDict = RandomStateDict(model);
        stateDict["text_model.final_layer_norm.bias"] = torch.zeros(9);

        var error = Assert.Throws<StateDictMismatchException>(() => StateDictLoader.LoadStrict(model, stateDict, "clip.ckpt"));

        Assert.Single(error.MismatchedTensors);
        Assert.Contains("text_model.final_layer_norm.bias", error.Message);
        Assert.Contains("[9]", error.Message);
    }

    [Fact]
    public void LoadStrict_HalfPrecisionAndIgnoredKey_ConvertsCopiesAndReports()
    {
        using var model = new ClipTextModel(Small);
        var stateDict = RandomStateDict(model).ToDictionary(p => p.Key, p => p.Value.to(ScalarType.Float16));
        stateDict["text_model.embeddings.position_ids"] = torch.arange(6, dtype: ScalarType.Int64).unsqueeze(0);

        var result = StateDictLoader.LoadStrict(model, stateDict, "clip.ckpt", ClipTextModel.IsIgnorableCheckpointKey);

        Assert.Equal(["text_model.embeddings.position_ids"], result.IgnoredKeys);
        Assert.Equal(model.state_dict().Count, result.LoadedKeys.Count);
        foreach (var (key, tensor) in model.state_dict())
        {
            Assert.Equal(ScalarType.Float32, tensor.dtype);
            Assert.True(tensor.allclose(stateDict[key].to(ScalarType.Float32), rtol: 0, atol: 0), key);
        }
    }

    [Fact]
    public void LoadStrict_IntegerIntoFloat_ThrowsNamingKey()
    {
        using var model = new ClipTextModel(Small);
        var stateDict = RandomStateDict(model);
        stateDict["text_model.final_layer_norm.bias"] = torch.zeros(8, ScalarType.Int64);

        var error = Assert.Throws<StateDictMismatchException>(() => StateDictLoader.LoadStrict(model, stateDict, "clip.ckpt"));

        Assert.Contains("text_model.final_layer_norm.bias", Assert.Single(error.MismatchedTensors));
    }

    [Fact]
    public void LoadStrict_AllowMissing_LeavesThoseKeysAndReportsThem()
    {
        using var model = new ClipTextModel(Small);
        var stateDict = RandomStateDict(model);
        stateDict.Remove("text_model.final_layer_norm.bias");

        var result = StateDictLoader.LoadStrict(model, stateDict, "clip.ckpt", allowMissing: k => k.StartsWith("text_model.final_layer_norm.", StringComparison.Ordinal));

        Assert.Equal(["text_model.final_layer_norm.bias"], result.AllowedMissingKeys);
    }

    [Fact]
    public void Apply_StableDiffusionKeys_RewritesPrefixesAndKeepsOthers()
    {
        var t = torch.zeros(1);
        var source = new Dictionary<string, Tensor>
        {
            ["cond_stage_model.transformer.text_model.final_layer_norm.weight"] = t,
            ["model.diffusion_model.out.2.bias"] = t,
            ["first_stage_model.quant_conv.weight"] = t,
            ["model_ema.decay"] = t,
        };

        var mapped = StateDictKeyMap.StableDiffusionToVpd.Apply(source, "sd.ckpt");

        Assert.Equal(
            ["encoder_vq.quant_conv.weight", "model_ema.decay", "text_model.final_layer_norm.weight", "unet.unet.diffusion_model.out.2.bias"],
            mapped.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Apply_TwoKeysOntoOneName_ThrowsNamingBoth()
    {
        var map = new StateDictKeyMap([("a.", ""), ("b.", "")]);
        var source = new Dictionary<string, Tensor> { ["a.x"] = torch.zeros(1), ["b.x"] = torch.zeros(1) };

        var error = Assert.Throws<InvalidDataException>(() => map.Apply(source, "two.ckpt"));

        Assert.Contains("'a.x'", error.Message);
        Assert.Contains("'b.x'", error.Message);
        Assert.Contains("two.ckpt", error.Message);
    }
}
