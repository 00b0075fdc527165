using TorchSharp;
using static TorchSharp.torch;

namespace Vpd.Model.Clip;

/// <summary>
/// The CLIP text encoder with Hugging Face <c>CLIPTextModel</c> state-dict names
/// (<c>text_model.embeddings.token_embedding.weight</c> ... <c>text_model.final_layer_norm.bias</c>).
/// Causal attention, no padding mask: VPD feeds ids only and uses every position of <c>last_hidden_state</c>.
/// </summary>
internal sealed class ClipTextModel : nn.Module<Tensor, Tensor>
{
    private const string PositionIdsKey = "text_model.embeddings.position_ids";

    private readonly ClipTextTransformer text_model;

    /// <summary>
    /// Creates a randomly initialised model for a config (load weights afterwards), on <paramref name="device"/>
    /// (default CPU; the meta device builds the full-size tree instantly, for layout checks).
    /// </summary>
    public ClipTextModel(ClipTextConfig config, Device? device = null) : base(nameof(ClipTextModel))
    {
        config.Validate("CLIP text config");
        Config = config;
        text_model = new ClipTextTransformer(config, device);
        RegisterComponents();
    }

    /// <summary>The config the model was built from.</summary>
    public ClipTextConfig Config { get; }

    /// <summary>
    /// True for checkpoint keys this model deliberately has no tensor for: the <c>position_ids</c>
    /// buffer that Hugging Face checkpoints before transformers 4.31 store (always 0..max-1).
    /// </summary>
    public static bool IsIgnorableCheckpointKey(string key) => key == PositionIdsKey;

    /// <summary><c>last_hidden_state</c> <c>[B, T, hidden]</c> for int64 ids <c>[B, T]</c>.</summary>
    public override Tensor forward(Tensor inputIds) => text_model.Forward(inputIds, null);

    /// <summary>
    /// <c>last_hidden_state</c> plus the hidden states: index 0 the embeddings, index i the output of
    /// layer i-1 (before the final layer norm).
    /// </summary>
    public ClipTextOutput ForwardWithHiddenStates(Tensor inputIds)
    {
        var hidden = new List<Tensor>();
        var last = text_model.Forward(inputIds, hidden);
        return new ClipTextOutput(last, hidden);
    }
}
