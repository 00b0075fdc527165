using TorchSharp;
using static TorchSharp.torch;

namespace Vpd.Model.Nn;

/// <summary>Copies checkpoint tensors into a module's parameters and buffers by name.</summary>
public static class ModuleWeights
{
    /// <summary>
    /// Copies <c>weights[prefix + key]</c> into every entry <c>key</c> of <c>module.state_dict()</c>
    /// (dtype converted, device kept). Strict: fails listing every module key the dictionary lacks,
    /// every shape mismatch, and every dictionary key under <paramref name="prefix"/> the module does
    /// not have (unless <paramref name="ignore"/> accepts it). Nothing is copied when anything fails.
    /// </summary>
    /// <param name="source">Names the weights' origin (a file path) in error messages.</param>
    public static void LoadStrict(
        nn.Module module,
        IReadOnlyDictionary<string, Tensor> weights,
        string prefix = "",
        Func<string, bool>? ignore = null,
        string source = "weights")
    {
        var targets = module.state_dict();
        var problems = new List<string>();
        foreach (var (key, target) in targets)
        {
            if (!weights.TryGetValue(prefix + key, out var value))
            {
                problems.Add($"missing '{prefix}{key}'");
            }
            else if (!value.shape.SequenceEqual(target.shape))
            {
                problems.Add($"'{prefix}{key}' has shape [{string.Join(", ", value.shape)}], the module expects [{string.Join(", ", target.shape)}]");
            }
        }
        foreach (var name in weights.Keys)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && !targets.ContainsKey(name[prefix.Length..]) && !(ignore?.Invoke(name) ?? false))
            {
                problems.Add($"unexpected '{name}'");
            }
        }
        if (problems.Count > 0)
        {
            throw new InvalidDataException(
                $"{source}: cannot load into {module.GetType().Name} (prefix '{prefix}'): {problems.Count} problem(s): {string.Join("; ", problems)}");
        }
        using (no_grad())
        {
            foreach (var (key, target) in targets)
            {
                target.copy_(weights[prefix + key]);
            }
        }
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
