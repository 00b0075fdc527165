using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vpd.Model.Clip;

/// <summary>Hugging Face <c>CLIPTextTransformer</c>: embeddings, encoder, final layer norm.</summary>
internal sealed class ClipTextTransformer : nn.Module<Tensor, Tensor>
{
    private readonly ClipTextEmbeddings embeddings;
    private readonly ClipEncoder encoder;
    private readonly LayerNorm final_layer_norm;

    /// <summary>Creates the transformer for a config.</summary>
    public ClipTextTransformer(ClipTextConfig config, Device? device = null) : base(nameof(ClipTextTransformer))
    {
        embeddings = new ClipTextEmbeddings(config, device);
        encoder = new ClipEncoder(config, device);
        final_layer_norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor inputIds) => Forward(inputIds, null);

    /// <summary>
    /// <c>last_hidden_state</c>; when <paramref name="hiddenStates"/> is given it receives the embeddings'
    /// output and then each layer's output (before the final layer norm), like Hugging Face's <c>hidden_states</c>.
    /// </summary>
    public Tensor Forward(Tensor inputIds, List<Tensor>? hiddenStates)
    {
        var x = embeddings.forward(inputIds);
        hiddenStates?.Add(x);
        x = encoder.Forward(x, hiddenStates);
        return final_layer_norm.forward(x);
    }
}
