using TorchSharp;
using Vpd.Model.Checkpoints;
using Vpd.Model.Clip;
using Vpd.TestSupport;
using static TorchSharp.torch;

namespace Vpd.Model.Tests.Clip;

public sealed class ClipTextModelTests
{
    private static bool IsWeight(string key) => key.StartsWith("text_model.", StringComparison.Ordinal);

    /// <param name="batchCopies">1: the golden case (two sentences); 2: stacked twice along the batch (<see cref="GoldenFolders"/>).</param>
    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    public void Forward_GoldenTinyModel_MatchesEveryOutputAndIntermediate(int batchCopies)
    {
        var path = GoldenFolders.File(batchCopies, "clip_text_tiny.safetensors");
        var config = ClipTextConfig.FromJson(SafetensorsFile.ReadMetadata(path)["config"], path);
        var tensors = SafetensorsFile.Load(path);
        using var scope = torch.NewDisposeScope();
        using var model = new ClipTextModel(config);
        StateDictLoader.LoadStrict(model, tensors.Where(p => IsWeight(p.Key)).ToDictionary(), path, ClipTextModel.IsIgnorableCheckpointKey);
        model.eval();

        ClipTextOutput output;
        using (torch.inference_mode())
        {
            output = model.ForwardWithHiddenStates(tensors["input.input_ids"]);
        }

        var compared = 0;
        foreach (var (key, expected) in tensors.Where(p => p.Key.StartsWith("output.", StringComparison.Ordinal) || p.Key.StartsWith("intermediate.", StringComparison.Ordinal)))
        {
            GoldenTensorAssert.Close(key, Actual(key, output, path), expected);
            compared++;
        }
        Assert.Equal(config.NumHiddenLayers + 2, compared);
    }

    [SkippableFact]
    public void Forward_GoldenConfig_StateDictKeysEqualTheFileWeightsWithoutPositionIds()
    {
        var path = RepoPaths.Golden("clip_text_tiny.safetensors");
        var config = ClipTextConfig.FromJson(SafetensorsFile.ReadMetadata(path)["config"], path);
        using var model = new ClipTextModel(config);

        var fileKeys = SafetensorsFile.ReadHeader(path).Entries.Select(e => e.Name).Where(IsWeight)
            .Where(k => !ClipTextModel.IsIgnorableCheckpointKey(k)).Order(StringComparer.Ordinal);
        var modelKeys = model.state_dict().Keys.Order(StringComparer.Ordinal);

        Assert.Equal(fileKeys, modelKeys);
    }

    [SkippableFact]
    public void Constructor_VitL14Preset_KeysAndShapesEqualTheSd15TextLayout()
    {
        const string prefix = "cond_stage_model.transformer.";
        var expected = File.ReadLines(RepoPaths.Golden("sd15_layout.tsv"))
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Where(f => f[0] == "sd15" && f[1].StartsWith(prefix, StringComparison.Ordinal))
            .Select(f => (Key: f[1][prefix.Length..], Shape: f[2]))
            .Where(e => !ClipTextModel.IsIgnorableCheckpointKey(e.Key))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ToList();
        // The meta device gives the full-size tree without allocating or initialising 123M parameters.
        using var model = new ClipTextModel(ClipTextConfig.VitL14, torch.META);

        var actual = model.state_dict()
            .Select(p => (Key: p.Key, Shape: p.Value.shape.Length == 0 ? "scalar" : string.Join("x", p.Value.shape)))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Forward_LaterTokenChanged_EarlierPositionsUnchanged()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var model = new ClipTextModel(new ClipTextConfig(50, 16, 2, 4, 32, 10, 1e-5, "quick_gelu"));
        model.eval();
        var a = torch.tensor(new long[] { 1, 2, 3, 4, 5, 6 }).unsqueeze(0);
        var b = torch.tensor(new long[] { 1, 2, 3, 4, 9, 9 }).unsqueeze(0);

        var ya = model.forward(a);
        var yb = model.forward(b);

        Assert.True(ya[.., ..4].allclose(yb[.., ..4], rtol: 0, atol: 1e-6), "causal mask: positions 0-3 must not see tokens 4-5");
        Assert.False(ya[.., 4..].allclose(yb[.., 4..], rtol: 0, atol: 1e-3));
    }

    [Fact]
    public void Forward_MoreTokensThanPositions_ThrowsNamingBothCounts()
    {
        using var model = new ClipTextModel(new ClipTextConfig(50, 8, 1, 2, 16, 4, 1e-5, "quick_gelu"));

        var error = Assert.Throws<ArgumentException>(() => model.forward(torch.zeros(1, 5, ScalarType.Int64)));

        Assert.Contains("5 tokens", error.Message);
        Assert.Contains("4 positions", error.Message);
    }

    [Fact]
    public void FromJson_HeadsDoNotDivideWidth_ThrowsNamingSource()
    {
        const string json = """{"vocab_size": 10, "hidden_size": 10, "num_hidden_layers": 1, "num_attention_heads": 3, "intermediate_size": 8, "max_position_embeddings": 4, "layer_norm_eps": 1e-5, "hidden_act": "quick_gelu"}""";

        var error = Assert.Throws<InvalidDataException>(() => ClipTextConfig.FromJson(json, "m.safetensors"));

        Assert.Contains("m.safetensors", error.Message);
    }

    [Fact]
    public void ToJson_VitL14_RoundTripsThroughFromJson()
    {
        Assert.Equal(ClipTextConfig.VitL14, ClipTextConfig.FromJson(ClipTextConfig.VitL14.ToJson(), "round trip"));
    }

    private static Tensor Actual(string key, ClipTextOutput output, string path)
    {
        const string hidden = "intermediate.hidden_states.";
        if (key == "output.last_hidden_state")
        {
            return output.LastHiddenState;
        }
        if (key.StartsWith(hidden, StringComparison.Ordinal) && int.TryParse(key[hidden.Length..], out var index) && index < output.HiddenStates.Count)
        {
            return output.HiddenStates[index];
        }
        throw new Xunit.Sdk.XunitException($"{path}: golden tensor '{key}' has no counterpart in the CLIP output");
    }
}
