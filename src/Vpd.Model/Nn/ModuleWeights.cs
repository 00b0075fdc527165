using TorchSharp;
using Vpd.Model.Checkpoints;
using static TorchSharp.torch;

namespace Vpd.Model.Nn;

/// <summary>Copies checkpoint tensors into a module's parameters and buffers by name.</summary>
internal static class ModuleWeights
{
    /// <summary>
    /// Loads the entries of <paramref name="weights"/> under <paramref name="prefix"/> into
    /// <paramref name="module"/> through <see cref="StateDictLoader.LoadStrict"/>: every module key present,
    /// every key under the prefix used unless <paramref name="ignore"/> (given the full key) accepts it,
    /// shapes equal; nothing is copied when anything fails.
    /// </summary>
    /// <param name="source">Names the weights' origin (a file path) in error messages.</param>
    /// <exception cref="StateDictMismatchException">Listing every missing, unexpected and mismatched key.</exception>
    public static void LoadStrict(
        nn.Module module,
        IReadOnlyDictionary<string, Tensor> weights,
        string prefix = "",
        Func<string, bool>? ignore = null,
        string source = "weights")
    {
        StateDictLoader.LoadStrict(module, weights, source, ignore, prefix: prefix);
    }

    /// <summary>
    /// The module's state-dict entries in PyTorch's order (each module's own parameters, then its own
    /// buffers, then its children recursively). TorchSharp's <c>state_dict()</c> lists all parameters
    /// before all buffers; checkpoints the product writes use this order so they list keys as VPD's do.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, Tensor>> StateDictInReferenceOrder(nn.Module module)
    {
        var entries = new List<KeyValuePair<string, Tensor>>();
        Collect(module, "", entries);
        return entries;
    }

    private static void Collect(nn.Module module, string prefix, List<KeyValuePair<string, Tensor>> entries)
    {
        foreach (var (name, parameter) in module.named_parameters(recurse: false))
        {
            entries.Add(new(prefix + name, parameter));
        }
        foreach (var (name, buffer) in module.named_buffers(recurse: false))
        {
            entries.Add(new(prefix + name, buffer));
        }
        foreach (var (name, child) in module.named_children())
        {
            Collect(child, prefix + name + ".", entries);
        }
    }
}
