using static TorchSharp.torch;

namespace Vpd.Tools.Checkpoints;

/// <summary>What <see cref="TorchCheckpointReader.Read"/> returns.</summary>
/// <param name="Path">The file read.</param>
/// <param name="Tensors">The state dict that was asked for (CPU tensors, contiguous, the checkpoint's dtypes), in file order. The caller owns them.</param>
/// <param name="Args">
/// The top-level <c>args</c> entry (VPD's <c>argparse.Namespace</c>) as attribute name to value (<c>long</c>,
/// <c>double</c>, <c>bool</c>, <c>string</c>, <c>null</c>, <c>List&lt;object?&gt;</c>, <c>object?[]</c> for tuples), or null when absent.
/// </param>
/// <param name="TopLevelKeys">The string keys of the checkpoint's top-level dict (e.g. model, optimizer, epoch, args).</param>
public sealed record TorchCheckpoint(
    string Path,
    IReadOnlyDictionary<string, Tensor> Tensors,
    IReadOnlyDictionary<string, object?>? Args,
    IReadOnlyList<string> TopLevelKeys);
