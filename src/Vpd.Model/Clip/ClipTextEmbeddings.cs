using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vpd.Model.Clip;

/// <summary>Token embedding plus learned absolute position embedding.</summary>
/// <remarks>
/// Hugging Face keeps a <c>position_ids</c> buffer (0..max-1) that older checkpoints store and newer ones
/// do not. It is always <c>arange</c>, so it is computed here instead and the key is ignored on load
/// (<see cref="ClipTextModel.IsIgnorableCheckpointKey"/>); a buffer would make one of the two kinds fail
/// a strict load.
/// </remarks>
internal sealed class ClipTextEmbeddings : nn.Module<Tensor, Tensor>
{
    private readonly Embedding token_embedding;
    private readonly Embedding position_embedding;
    private readonly int maxPositions;

    /// <summary>Creates both embedding tables.</summary>
    public ClipTextEmbeddings(ClipTextConfig config, Device? device = null) : base(nameof(ClipTextEmbeddings))
    {
        token_embedding = nn.Embedding(config.VocabSize, config.HiddenSize, device: device);
        position_embedding = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize, device: device);
        maxPositions = config.MaxPositionEmbeddings;
        RegisterComponents();
    }

    /// <summary>Embeds ids <c>[B, T]</c> (T at most the number of positions) to <c>[B, T, C]</c>.</summary>
    public override Tensor forward(Tensor inputIds)
    {
        var tokens = inputIds.shape[^1];
        if (tokens > maxPositions)
        {
            throw new ArgumentException($"CLIP text input has {tokens} tokens; the model has {maxPositions} positions", nameof(inputIds));
        }
        var positions = torch.arange(tokens, dtype: ScalarType.Int64, device: inputIds.device);
        return token_embedding.forward(inputIds) + position_embedding.forward(positions);
    }
}
