using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vpd.Model.Nn;

/// <summary>
/// Channels-last (NHWC) weights for every Conv2d of a module. libtorch runs a convolution in channels-last
/// when its input or its weight is, and the result keeps that layout through the element-wise ops, norms and
/// resizes that follow, so oneDNN skips the NCHW reorders around every conv (faster per 3x3 conv in float32
/// and bfloat16 on the CPUs measured, docs/performance.md). Values are unchanged.
/// </summary>
internal static class ChannelsLast
{
    /// <summary>Re-lays out every Conv2d weight of <paramref name="module"/> in channels-last; returns the module.</summary>
    public static T ToChannelsLast<T>(this T module) where T : nn.Module
    {
        foreach (var (_, child) in module.named_modules())
        {
            if (child is Conv2d conv)
            {
                ToChannelsLast(conv);
            }
        }
        return module;
    }

    /// <summary>Re-lays out one Conv2d's weight in channels-last (no-op when it already is).</summary>
    public static void ToChannelsLast(Conv2d conv)
    {
        if (conv.weight is not { } weight || IsChannelsLast(weight))
        {
            return;
        }
        using var guard = no_grad();
        conv.weight = new Parameter(Layout(weight), weight.requires_grad);
        // The setter does not release the replaced weight; without this the model's memory doubles until GC.
        weight.Dispose();
    }

    /// <summary>A copy of 4-D <paramref name="x"/> with channels-last strides (same shape and values).</summary>
    public static Tensor Layout(Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    /// <summary>Whether a 4-D tensor's channel stride is 1 (NHWC in memory).</summary>
    public static bool IsChannelsLast(Tensor x) => x.dim() == 4 && x.stride(1) == 1 && x.shape[1] > 1;
}
