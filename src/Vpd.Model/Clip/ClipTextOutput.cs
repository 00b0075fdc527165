using static TorchSharp.torch;

namespace Vpd.Model.Clip;

/// <summary>Result of <see cref="ClipTextModel.ForwardWithHiddenStates"/>.</summary>
/// <param name="LastHiddenState"><c>[B, T, hidden]</c> after the final layer norm.</param>
/// <param name="HiddenStates">Embeddings output, then each layer's output (before the final layer norm).</param>
internal sealed record ClipTextOutput(Tensor LastHiddenState, IReadOnlyList<Tensor> HiddenStates);
