using static TorchSharp.torch;

namespace Vpd.Model.Checkpoints;

/// <summary>
/// Renames state-dict keys by prefix, the one table that turns a checkpoint's layout into a module's
/// (Stable Diffusion's <c>model.diffusion_model.</c> becomes VPD's <c>unet.unet.diffusion_model.</c>, ...).
/// Rules are tried in order and the first whose prefix matches wins; keys no rule matches stay as they are,
/// or are dropped when the map is built with <c>dropUnmatched</c>.
/// </summary>
internal sealed class StateDictKeyMap
{
    private readonly IReadOnlyList<(string From, string To)> _rules;
    private readonly bool _dropUnmatched;

    /// <summary>Creates a map from prefix rules.</summary>
    public StateDictKeyMap(IEnumerable<(string From, string To)> rules, bool dropUnmatched = false)
    {
        _rules = rules.ToList();
        _dropUnmatched = dropUnmatched;
    }

    /// <summary>
    /// The Stable Diffusion v1.5 single file into VPD names: UNet to <c>unet.unet.diffusion_model.</c>,
    /// the autoencoder to <c>encoder_vq.</c>, the CLIP text model to its Hugging Face names
    /// (<c>text_model.</c>). Other keys (EMA copies, schedule buffers) stay, for an ignore rule to judge.
    /// </summary>
    public static StateDictKeyMap StableDiffusionToVpd { get; } = new([
        ("model.diffusion_model.", "unet.unet.diffusion_model."),
        ("first_stage_model.", "encoder_vq."),
        ("cond_stage_model.transformer.", ""),
    ]);

    /// <summary>The new name of a key, or null when it is dropped.</summary>
    public string? Map(string key)
    {
        foreach (var (from, to) in _rules)
        {
            if (key.StartsWith(from, StringComparison.Ordinal))
            {
                return to + key[from.Length..];
            }
        }
        return _dropUnmatched ? null : key;
    }

    /// <summary>A new dictionary with renamed keys (same tensors); two keys landing on one name is an error naming both.</summary>
    public Dictionary<string, Tensor> Apply(IReadOnlyDictionary<string, Tensor> stateDict, string source)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var origin = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, tensor) in stateDict)
        {
            var mapped = Map(key);
            if (mapped is null)
            {
                continue;
            }
            if (!origin.TryAdd(mapped, key))
            {
                throw new InvalidDataException($"{source}: keys '{origin[mapped]}' and '{key}' both map to '{mapped}'");
            }
            result[mapped] = tensor;
        }
        return result;
    }
}
