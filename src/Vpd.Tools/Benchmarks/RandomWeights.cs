using TorchSharp;
using static TorchSharp.torch;

namespace Vpd.Tools.Benchmarks;

/// <summary>Readies a freshly built (randomly initialised) module for timing.</summary>
internal static class RandomWeights
{
    /// <summary>
    /// Evaluation mode and the benchmark's dtype. TorchSharp's default initialisation (Kaiming-uniform
    /// Linear/Conv, unit GroupNorm) keeps activations finite through SD's residual blocks, which the
    /// benchmark checks per stage.
    /// </summary>
    public static T Prepare<T>(T module, ScalarType dtype) where T : nn.Module
    {
        module.eval();
        if (dtype != ScalarType.Float32)
        {
            module.to(dtype);
        }
        return module;
    }
}
