using static TorchSharp.torch;

namespace Vpd.Model.Unet;

/// <summary>What one UNet forward produced.</summary>
/// <param name="Hierarchical">
/// VPD's features, deepest first: the output of the last output block of each level before its
/// upsample (SD v1: output_blocks 1, 4, 7) and of the last output block (11), before the <c>out</c> head.
/// </param>
/// <param name="Eps">The ordinary epsilon prediction, when asked for (VPD never uses it).</param>
internal sealed record UnetResult(IReadOnlyList<Tensor> Hierarchical, Tensor? Eps);
