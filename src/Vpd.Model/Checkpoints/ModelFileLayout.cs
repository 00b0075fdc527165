using Vpd.Model.Clip;
using Vpd.Model.Config;
using static TorchSharp.torch;

namespace Vpd.Model.Checkpoints;

/// <summary>
/// Matches a model file's tensors (from its header) to the layout its config implies, before anything is
/// allocated: the model is built on the meta device, which holds shapes without memory. A file that passes
/// loads into exactly the memory its own bytes take, however large its config claims the model to be.
/// </summary>
internal static class ModelFileLayout
{
    /// <summary>How many names of each kind a message lists (a wholly wrong file differs in every one of ~1,000 keys).</summary>
    private const int Listed = 8;

    private static readonly HashSet<string> FloatDTypes = new(StringComparer.Ordinal) { "F16", "BF16", "F32", "F64", "F8_E4M3", "F8_E5M2" };

    /// <exception cref="InvalidDataException">Naming the file and the missing, unexpected and mismatched tensors.</exception>
    public static void Check(SafetensorsFile.Header header, VpdModelConfig config, string textPrefix, string path)
    {
        var expected = new Dictionary<string, (long[] Shape, bool IsFloat)>(StringComparer.Ordinal);
        using (var refer = new VpdRefer(config.Refer, META))
        using (var text = new ClipTextModel(config.Text, META))
        {
            foreach (var (name, tensor) in refer.state_dict())
            {
                expected[name] = (tensor.shape, tensor.is_floating_point());
            }
            foreach (var (name, tensor) in text.state_dict())
            {
                expected[textPrefix + name] = (tensor.shape, tensor.is_floating_point());
            }
        }
        var found = header.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var missing = expected.Keys.Where(k => !found.ContainsKey(k)).ToList();
        var unexpected = found.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        var mismatched = new List<string>();
        foreach (var (name, (shape, isFloat)) in expected)
        {
            if (!found.TryGetValue(name, out var entry))
            {
                continue;
            }
            if (!entry.Shape.SequenceEqual(shape))
            {
                mismatched.Add($"{name}: file {Format(entry.Shape)}, config {Format(shape)}");
            }
            else if (FloatDTypes.Contains(entry.DType) != isFloat)
            {
                mismatched.Add($"{name}: file dtype {entry.DType}, config needs {(isFloat ? "a float" : "an integer")} tensor");
            }
        }
        if (missing.Count + unexpected.Count + mismatched.Count == 0)
        {
            return;
        }
        var parts = new List<string>();
        if (missing.Count > 0)
        {
            parts.Add($"{missing.Count} tensor(s) the config needs are missing: {List(missing)}");
        }
        if (unexpected.Count > 0)
        {
            parts.Add($"{unexpected.Count} tensor(s) the config has no place for: {List(unexpected)}");
        }
        if (mismatched.Count > 0)
        {
            parts.Add($"{mismatched.Count} tensor(s) differ from the config's layout: {string.Join("; ", mismatched.Take(Listed))}{(mismatched.Count > Listed ? "; ..." : "")}");
        }
        throw new InvalidDataException($"{path}: the file's tensors do not fit its config. {string.Join(". ", parts)}");
    }

    private static string List(List<string> names) => string.Join(", ", names.Take(Listed)) + (names.Count > Listed ? ", ..." : "");

    private static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
