using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Vpd.Tools.SelfTest;

/// <summary>One compared value of a reference case.</summary>
/// <param name="Case">The reference case (e.g. <c>unet</c>).</param>
/// <param name="Name">The compared tensor or item (e.g. <c>output.eps</c>).</param>
/// <param name="Passed">Whether it is within the tolerance.</param>
/// <param name="RelativeError"><c>||actual - ref||_2 / ||ref||_2</c> for floating-point tensors.</param>
/// <param name="MaxAbsError">Largest absolute difference, reported for attention maps.</param>
/// <param name="Detail">Why it failed, or what an exact check compared.</param>
public sealed record TensorCheck(string Case, string Name, bool Passed, double? RelativeError = null, double? MaxAbsError = null, string? Detail = null)
{
    /// <summary>The golden README's bound on the relative L2 error of float outputs and intermediates.</summary>
    public const double RelativeTolerance = 1e-4;

    /// <summary>The golden README's extra bound on the largest absolute error of attention maps (values in [0, 1]).</summary>
    public const double AttentionAbsoluteTolerance = 1e-5;

    /// <summary>||a - b||_2 / ||b||_2 in float64 (the plain norm of a - b when b is zero).</summary>
    public static double RelativeErrorOf(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var a = actual.detach().to(CPU).to_type(ScalarType.Float64);
        var b = expected.detach().to(CPU).to_type(ScalarType.Float64);
        var denominator = b.norm().item<double>();
        var numerator = (a - b).norm().item<double>();
        return denominator == 0 ? numerator : numerator / denominator;
    }

    /// <summary>
    /// Compares by the golden tolerances: equal shapes; integers exactly; floats by relative error, and attention
    /// maps (<paramref name="isAttentionMap"/>) also by largest absolute error. A null <paramref name="actual"/> fails.
    /// </summary>
    public static TensorCheck Compare(string caseName, string name, Tensor? actual, Tensor expected, bool isAttentionMap = false)
    {
        if (actual is null)
        {
            return new TensorCheck(caseName, name, false, Detail: "no produced value for this reference tensor");
        }
        if (!actual.shape.SequenceEqual(expected.shape))
        {
            return new TensorCheck(caseName, name, false, Detail: $"shape [{string.Join(", ", actual.shape)}], reference [{string.Join(", ", expected.shape)}]");
        }
        using var scope = NewDisposeScope();
        if (!expected.is_floating_point())
        {
            var equal = actual.is_floating_point() == false && actual.to(CPU).to(expected.dtype).eq(expected.to(CPU)).all().item<bool>();
            return new TensorCheck(caseName, name, equal, Detail: equal ? "integers equal" : "integer values differ");
        }
        var relative = RelativeErrorOf(actual, expected);
        var passed = relative < RelativeTolerance;
        double? maxAbs = null;
        if (isAttentionMap)
        {
            maxAbs = (actual.detach().to(CPU).to_type(ScalarType.Float64) - expected.to(CPU).to_type(ScalarType.Float64)).abs().max().item<double>();
            passed &= maxAbs < AttentionAbsoluteTolerance;
        }
        return new TensorCheck(caseName, name, passed, relative, maxAbs);
    }

    /// <summary>An exact comparison of non-tensor values (ids, masks).</summary>
    public static TensorCheck Exact(string caseName, string name, bool equal, string detail) =>
        new(caseName, name, equal, Detail: detail);

    /// <summary>One line: case, name, errors, PASS/FAIL.</summary>
    public override string ToString()
    {
        var parts = new List<string> { Passed ? "PASS" : "FAIL", $"{Case}/{Name}" };
        if (RelativeError is { } rel)
        {
            parts.Add($"rel {rel.ToString("0.00e+00", CultureInfo.InvariantCulture)}");
        }
        if (MaxAbsError is { } abs)
        {
            parts.Add($"maxabs {abs.ToString("0.00e+00", CultureInfo.InvariantCulture)}");
        }
        if (Detail is not null)
        {
            parts.Add(Detail);
        }
        return string.Join("  ", parts);
    }
}
