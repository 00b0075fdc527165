using TorchSharp;
using static TorchSharp.torch;

namespace Vpd.Model.Tests;

/// <summary>Compares computed tensors with golden references the way golden/README.md states its tolerances.</summary>
public static class GoldenTensorAssert
{
    /// <summary>The README's bound on <c>||actual - expected|| / ||expected||</c> for float outputs and intermediates.</summary>
    public const double DefaultRelativeTolerance = 1e-4;

    /// <summary>
    /// Asserts equal shapes and a relative L2 error below <paramref name="rtol"/> (and, when given, a largest
    /// absolute difference below <paramref name="maxAbs"/>). Integer tensors must match exactly. The failure
    /// message names the tensor and both errors.
    /// </summary>
    public static void Close(string name, Tensor actual, Tensor expected, double rtol = DefaultRelativeTolerance, double? maxAbs = null)
    {
        Assert.True(actual.shape.SequenceEqual(expected.shape),
            $"{name}: shape {Format(actual.shape)} differs from the golden {Format(expected.shape)}");
        using var scope = torch.NewDisposeScope();
        if (!expected.is_floating_point())
        {
            var equal = actual.to(expected.dtype).eq(expected).all().item<bool>();
            Assert.True(equal, $"{name}: integer tensor differs from the golden");
            return;
        }
        var a = actual.detach().to(ScalarType.Float64).cpu();
        var b = expected.to(ScalarType.Float64).cpu();
        var diff = a - b;
        var relative = diff.norm().item<double>() / Math.Max(b.norm().item<double>(), double.Epsilon);
        var largest = diff.abs().max().item<double>();
        Assert.True(relative < rtol, $"{name}: relative error {relative:E3} >= {rtol:E1} (largest absolute difference {largest:E3})");
        if (maxAbs is { } bound)
        {
            Assert.True(largest < bound, $"{name}: largest absolute difference {largest:E3} >= {bound:E1} (relative error {relative:E3})");
        }
    }

    /// <summary>Asserts the same shape, dtype and bit-identical values.</summary>
    public static void Exact(string name, Tensor actual, Tensor expected)
    {
        Assert.True(actual.shape.SequenceEqual(expected.shape),
            $"{name}: shape {Format(actual.shape)} differs from the expected {Format(expected.shape)}");
        Assert.True(actual.dtype == expected.dtype, $"{name}: dtype {actual.dtype} differs from the expected {expected.dtype}");
        Assert.True(actual.contiguous().bytes.SequenceEqual(expected.contiguous().bytes), $"{name}: values differ");
    }

    private static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
