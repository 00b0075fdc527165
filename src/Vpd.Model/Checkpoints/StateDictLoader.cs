using TorchSharp;
using static TorchSharp.torch;

namespace Vpd.Model.Checkpoints;

/// <summary>
/// Copies a state dict into a TorchSharp module's parameters and persistent buffers, strictly: every
/// module key must be present, every state-dict key must be used, shapes must agree. Floating-point
/// tensors are converted to the module's dtype (a float16 checkpoint into a float32 model).
/// </summary>
internal static class StateDictLoader
{
    /// <summary>
    /// Checks everything first and copies only when all of it fits, so a failed load leaves the module
    /// untouched. <paramref name="ignore"/> accepts state-dict keys the module deliberately lacks;
    /// <paramref name="allowMissing"/> accepts module keys the state dict may lack (they keep their values).
    /// </summary>
    /// <param name="prefix">
    /// Module key <c>k</c> is read from <c>prefix + k</c>; only state-dict keys under the prefix are candidates for
    /// "unexpected", so one checkpoint can feed several modules. Errors name full checkpoint keys.
    /// </param>
    /// <exception cref="StateDictMismatchException">Listing every missing, unexpected and mismatched key.</exception>
    public static StateDictLoadResult LoadStrict(
        nn.Module module,
        IReadOnlyDictionary<string, Tensor> stateDict,
        string source,
        Func<string, bool>? ignore = null,
        Func<string, bool>? allowMissing = null,
        string prefix = "")
    {
        var targets = module.state_dict();
        var missing = new List<string>();
        var allowedMissing = new List<string>();
        var mismatched = new List<string>();
        foreach (var (key, target) in targets)
        {
            if (!stateDict.TryGetValue(prefix + key, out var value))
            {
                (allowMissing is not null && allowMissing(prefix + key) ? allowedMissing : missing).Add(prefix + key);
                continue;
            }
            if (!value.shape.SequenceEqual(target.shape))
            {
                mismatched.Add($"{prefix}{key}: checkpoint {Format(value.shape)} vs model {Format(target.shape)}");
            }
            else if (value.is_floating_point() != target.is_floating_point() || (!target.is_floating_point() && value.dtype != target.dtype))
            {
                mismatched.Add($"{prefix}{key}: checkpoint dtype {value.dtype} cannot be converted to model dtype {target.dtype}");
            }
        }
        var unexpected = new List<string>();
        var ignored = new List<string>();
        foreach (var key in stateDict.Keys)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || targets.ContainsKey(key[prefix.Length..]))
            {
                continue;
            }
            (ignore is not null && ignore(key) ? ignored : unexpected).Add(key);
        }
        if (missing.Count > 0 || unexpected.Count > 0 || mismatched.Count > 0)
        {
            throw new StateDictMismatchException(source, missing, unexpected, mismatched);
        }
        var loaded = new List<string>(targets.Count);
        using (torch.no_grad())
        {
            foreach (var (key, target) in targets)
            {
                if (stateDict.TryGetValue(prefix + key, out var value))
                {
                    // copy_ converts dtype and device in place, so parameters keep their identity (optimisers, hooks).
                    target.copy_(value);
                    loaded.Add(prefix + key);
                }
            }
        }
        return new StateDictLoadResult(loaded, ignored, allowedMissing);
    }

    private static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
