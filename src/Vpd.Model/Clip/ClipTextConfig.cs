using System.Text.Json;
using System.Text.Json.Serialization;
using Vpd.Model.Config;

namespace Vpd.Model.Clip;

/// <summary>
/// Shape of a CLIP text transformer, with Hugging Face <c>CLIPTextConfig</c> JSON names so that the
/// <c>config</c> metadata of golden and product files parses directly.
/// </summary>
public sealed record ClipTextConfig(
    [property: JsonPropertyName("vocab_size")] int VocabSize,
    [property: JsonPropertyName("hidden_size")] int HiddenSize,
    [property: JsonPropertyName("num_hidden_layers")] int NumHiddenLayers,
    [property: JsonPropertyName("num_attention_heads")] int NumAttentionHeads,
    [property: JsonPropertyName("intermediate_size")] int IntermediateSize,
    [property: JsonPropertyName("max_position_embeddings")] int MaxPositionEmbeddings,
    [property: JsonPropertyName("layer_norm_eps")] double LayerNormEps,
    [property: JsonPropertyName("hidden_act")] string HiddenAct)
{
    /// <summary>openai/clip-vit-large-patch14's text tower, the one Stable Diffusion v1.5 and VPD use.</summary>
    public static ClipTextConfig VitL14 { get; } = new(49408, 768, 12, 12, 3072, 77, 1e-5, "quick_gelu");

    /// <summary>Width of one attention head.</summary>
    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Parses the JSON object (extra fields are ignored); <paramref name="source"/> names it in errors.</summary>
    public static ClipTextConfig FromJson(string json, string source)
    {
        ClipTextConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<ClipTextConfig>(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: CLIP text config is not valid: {e.Message}", e);
        }
        if (config is null)
        {
            throw new InvalidDataException($"{source}: CLIP text config is null");
        }
        config.Validate(source);
        return config;
    }

    /// <summary>The config as JSON with the Hugging Face field names.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Throws when a size is not positive, the width does not split into heads, or the activation is unknown.</summary>
    public void Validate(string source)
    {
        if (VocabSize <= 0 || HiddenSize <= 0 || NumHiddenLayers <= 0 || NumAttentionHeads <= 0
            || IntermediateSize <= 0 || MaxPositionEmbeddings <= 0 || !(LayerNormEps > 0))
        {
            throw new InvalidDataException($"{source}: CLIP text config has a non-positive size: {this}");
        }
        ConfigBounds.AtMost(source, "text.vocab_size", VocabSize, 1 << 20, 49408);
        ConfigBounds.AtMost(source, "text.hidden_size", HiddenSize, 8192, 768);
        ConfigBounds.AtMost(source, "text.num_hidden_layers", NumHiddenLayers, 128, 12);
        ConfigBounds.AtMost(source, "text.num_attention_heads", NumAttentionHeads, 128, 12);
        ConfigBounds.AtMost(source, "text.intermediate_size", IntermediateSize, 32768, 3072);
        ConfigBounds.AtMost(source, "text.max_position_embeddings", MaxPositionEmbeddings, 4096, 77);
        if (HiddenSize % NumAttentionHeads != 0)
        {
            throw new InvalidDataException(
                $"{source}: CLIP hidden_size {HiddenSize} is not divisible by num_attention_heads {NumAttentionHeads}");
        }
        if (HiddenAct is not ("quick_gelu" or "gelu"))
        {
            throw new InvalidDataException($"{source}: CLIP hidden_act '{HiddenAct}' is not supported (quick_gelu, gelu)");
        }
    }
}
