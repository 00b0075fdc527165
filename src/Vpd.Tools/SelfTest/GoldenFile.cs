using Vpd.Model.Checkpoints;
using static TorchSharp.torch;

namespace Vpd.Tools.SelfTest;

/// <summary>Helpers for golden safetensors files: the checked names and the loaded tensors.</summary>
internal static class GoldenFile
{
    /// <summary>The <c>output.*</c> and <c>intermediate.*</c> names in header order.</summary>
    public static IReadOnlyList<string> CheckedNames(string path) =>
        SafetensorsFile.ReadHeader(path).Entries
            .Select(e => e.Name)
            .Where(n => n.StartsWith("output.", StringComparison.Ordinal) || n.StartsWith("intermediate.", StringComparison.Ordinal))
            .ToList();

    /// <summary>One check per checked name of <paramref name="golden"/>, the produced value found by <paramref name="produced"/>.</summary>
    public static List<TensorCheck> CompareAll(
        string caseName, string path, IReadOnlyDictionary<string, Tensor> golden, Func<string, Tensor?> produced, Func<string, bool> isAttentionMap)
    {
        var names = CheckedNames(path);
        if (names.Count == 0)
        {
            return [new TensorCheck(caseName, Path.GetFileName(path), false, Detail: "the file has no output.* or intermediate.* tensors")];
        }
        return names.Select(n => TensorCheck.Compare(caseName, n, produced(n), golden[n], isAttentionMap(n))).ToList();
    }

    /// <summary>Disposes every tensor of a loaded file.</summary>
    public static void DisposeAll(IReadOnlyDictionary<string, Tensor> tensors)
    {
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }
    }

    /// <summary>
    /// The one step a per-sample step constant (<c>constant.noise_timestep</c>, shape [B] or []) holds: the product
    /// runs one noise step per batch, so a case whose samples use different steps is refused by name.
    /// </summary>
    public static int SharedStep(IReadOnlyDictionary<string, Tensor> golden, string name, string path)
    {
        var steps = golden[name].to_type(ScalarType.Int64).data<long>().Distinct().ToList();
        return steps.Count == 1 && steps[0] is >= 0 and <= int.MaxValue
            ? (int)steps[0]
            : throw new InvalidDataException(
                $"{path}: {name} holds the steps [{string.Join(", ", steps)}]; a case must use one step for all its samples");
    }

    /// <summary>The value of a per-sample step constant as the model produces it: <paramref name="step"/> for each of <paramref name="batch"/> samples.</summary>
    public static Tensor PerSample(long step, long batch) => full([batch], step, ScalarType.Int64);

    /// <summary>Strips <c>intermediate.</c> from a golden name (the trace names of the forwards).</summary>
    public static string TraceName(string name) =>
        name.StartsWith("intermediate.", StringComparison.Ordinal) ? name["intermediate.".Length..] : name;
}
