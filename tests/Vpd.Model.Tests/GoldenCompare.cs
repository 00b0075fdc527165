using System.Globalization;
using TorchSharp;
using Vpd.Model.Checkpoints;
using Vpd.Model.Nn;
using static TorchSharp.torch;

namespace Vpd.Model.Tests;

/// <summary>
/// Compares every <c>output.*</c> and <c>intermediate.*</c> tensor of a golden file with the values a
/// forward produced, by the README's tolerances: relative L2 error below 1e-4, attention maps also a
/// maximum absolute error below 1e-5, integers exact. A golden name without a produced value fails.
/// </summary>
internal static class GoldenCompare
{
    public const double RelativeTolerance = Vpd.Tools.SelfTest.TensorCheck.RelativeTolerance;
    public const double AttentionAbsoluteTolerance = Vpd.Tools.SelfTest.TensorCheck.AttentionAbsoluteTolerance;

    /// <summary>The checked names of a golden file (header order).</summary>
    public static IReadOnlyList<string> CheckedNames(string path, Func<string, bool>? include = null) =>
        SafetensorsFile.ReadHeader(path).Entries
            .Select(e => e.Name)
            .Where(n => n.StartsWith("output.", StringComparison.Ordinal) || n.StartsWith("intermediate.", StringComparison.Ordinal))
            .Where(n => include?.Invoke(n) ?? true)
            .ToList();

    /// <summary>||a - b||_2 / ||b||_2 in float64.</summary>
    public static double RelativeError(Tensor actual, Tensor expected) => Vpd.Tools.SelfTest.TensorCheck.RelativeErrorOf(actual, expected);

    /// <summary>Fails listing every golden name that is unmapped, has the wrong shape or is out of tolerance.</summary>
    public static void AssertAll(
        string path,
        IReadOnlyDictionary<string, Tensor> golden,
        IReadOnlyList<string> names,
        Func<string, Tensor?> produced,
        Func<string, bool> isAttentionMap)
    {
        Assert.NotEmpty(names);
        var failures = new List<string>();
        foreach (var name in names)
        {
            var expected = golden[name];
            var actual = produced(name);
            if (actual is null)
            {
                failures.Add($"{name}: no produced value maps to this golden tensor");
                continue;
            }
            if (!actual.shape.SequenceEqual(expected.shape))
            {
                failures.Add($"{name}: shape [{string.Join(", ", actual.shape)}], golden [{string.Join(", ", expected.shape)}]");
                continue;
            }
            if (!expected.is_floating_point())
            {
                using var equal = actual.to(CPU).eq(expected).all();
                if (!equal.item<bool>())
                {
                    failures.Add($"{name}: integer values differ");
                }
                continue;
            }
            var relative = RelativeError(actual, expected);
            if (!(relative < RelativeTolerance))
            {
                failures.Add($"{name}: relative error {relative.ToString("E3", CultureInfo.InvariantCulture)}");
            }
            if (isAttentionMap(name))
            {
                using var diff = (actual.detach().to(CPU) - expected).abs().max();
                var maxAbs = diff.item<float>();
                if (!(maxAbs < AttentionAbsoluteTolerance))
                {
                    failures.Add($"{name}: attention map max abs error {maxAbs.ToString("E3", CultureInfo.InvariantCulture)}");
                }
            }
        }
        Assert.True(failures.Count == 0, $"{path}: {failures.Count} problem(s) over {names.Count} checked tensors:\n" + string.Join("\n", failures));
    }
}

/// <summary>Keeps clones of traced values (outside every dispose scope) until disposed.</summary>
internal sealed class TraceRecorder : IDisposable
{
    private readonly Dictionary<string, Tensor> values = new(StringComparer.Ordinal);

    public ForwardTrace Trace => (name, value) =>
    {
        var copy = value.detach().clone();
        copy.DetachFromDisposeScope();
        if (values.Remove(name, out var previous))
        {
            previous.Dispose();
        }
        values[name] = copy;
    };

    public Tensor? Get(string name) => values.GetValueOrDefault(name);

    public IReadOnlyCollection<string> Names => values.Keys;

    public void Dispose()
    {
        foreach (var value in values.Values)
        {
            value.Dispose();
        }
        values.Clear();
    }
}
