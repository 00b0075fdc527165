using static TorchSharp.torch;

namespace Vpd.Model.Unet;

/// <summary>What VPD's UNet wrapper returns for one batch.</summary>
/// <param name="Features">
/// The head's inputs, finest first: <c>[hier 3, cat(hier 2, maps base/16), cat(hier 1, maps base/32), hier 0]</c>
/// (feature channels first, then one channel per token).
/// </param>
/// <param name="Hierarchical">The UNet's hierarchical features, deepest first.</param>
/// <param name="AttentionMaps">Averaged cross-attention maps [B, tokens, s, s] keyed by side s.</param>
/// <param name="Eps">The epsilon prediction when asked for.</param>
internal sealed record VpdUnetOutput(
    IReadOnlyList<Tensor> Features,
    IReadOnlyList<Tensor> Hierarchical,
    IReadOnlyDictionary<int, Tensor> AttentionMaps,
    Tensor? Eps);
