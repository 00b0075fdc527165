using System.Text.Json.Nodes;
using Vpd.Model.Clip;

namespace Vpd.Model.Config;

/// <summary>
/// Everything needed to build a whole VPD referring model: the referring network (VAE encoder, UNet,
/// adapter, head) and the CLIP text encoder whose <c>last_hidden_state</c> feeds it.
/// </summary>
public sealed record VpdModelConfig(VpdReferConfig Refer, ClipTextConfig Text)
{
    /// <summary>Stable Diffusion v1.5 + CLIP ViT-L/14 text at 512 px, 40 tokens (RefCOCO, RefCOCO+).</summary>
    public static VpdModelConfig Sd15 { get; } = new(VpdReferConfig.Sd15, ClipTextConfig.VitL14);

    /// <summary>
    /// The CPU-trainable model for RefShapes: <see cref="VpdReferConfig.Tiny"/> with a 2-layer text
    /// encoder whose width equals the UNet's context width, over a vocabulary of <paramref name="vocabSize"/>.
    /// </summary>
    public static VpdModelConfig Tiny(int vocabSize) => new(
        VpdReferConfig.Tiny,
        new ClipTextConfig(
            VocabSize: vocabSize,
            HiddenSize: VpdReferConfig.Tiny.TokenEmbedDim,
            NumHiddenLayers: 2,
            NumAttentionHeads: 4,
            IntermediateSize: 4 * VpdReferConfig.Tiny.TokenEmbedDim,
            MaxPositionEmbeddings: VpdReferConfig.Tiny.TokenLength,
            LayerNormEps: 1e-5,
            HiddenAct: "quick_gelu"));

    /// <summary>Fails naming <paramref name="source"/> when the two parts cannot work together.</summary>
    public void Validate(string source)
    {
        Refer.Validate(source);
        Text.Validate(source);
        if (Text.HiddenSize != Refer.TokenEmbedDim)
        {
            throw new InvalidDataException(
                $"{source}: text encoder width {Text.HiddenSize} differs from the UNet context width {Refer.TokenEmbedDim}");
        }
        if (Refer.TokenLength > Text.MaxPositionEmbeddings)
        {
            throw new InvalidDataException(
                $"{source}: token_length {Refer.TokenLength} exceeds the text encoder's {Text.MaxPositionEmbeddings} positions");
        }
    }

    public JsonObject ToJson() => new()
    {
        ["refer"] = Refer.ToJson(),
        ["text"] = JsonNode.Parse(Text.ToJson()),
    };

    public static VpdModelConfig FromJson(string json, string source)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException($"{source}: model config is not a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{source}: model config is not valid JSON: {e.Message}", e);
        }
        var refer = root["refer"] as JsonObject ?? throw new InvalidDataException($"{source}: model config has no 'refer' object");
        var text = root["text"] as JsonObject ?? throw new InvalidDataException($"{source}: model config has no 'text' object");
        var config = new VpdModelConfig(VpdReferConfig.FromJson(refer, source), ClipTextConfig.FromJson(text.ToJsonString(), source));
        config.Validate(source);
        return config;
    }
}
