using TorchSharp;
using static TorchSharp.torch;

namespace Vpd.Model.Nn;

/// <summary>
/// Which part of a <see cref="VpdRefer"/> stays float32 in bfloat16 inference. bfloat16 keeps 8 significant
/// bits; on the golden tiny case the argmax flips come mostly from the VAE encoder's full-resolution level.
/// Mask agreement with float32 over 1-4 libtorch threads (the thread count alone moves it by up to 1 point):
/// nothing float32 96.4-96.9%, <see cref="VaeFirstLevelNorms"/> 97.4-97.8%, <see cref="VaeFirstLevel"/>
/// 97.4-98.4%; the whole VAE 98.5% (docs/performance.md).
/// </summary>
public enum Float32Part
{
    /// <summary>Everything bfloat16 (the adapter's scalar-sized <c>gamma</c> too).</summary>
    None,

    /// <summary>The VAE encoder's full-resolution parts (<c>conv_in</c>, first down level) and <c>gamma</c> float32.</summary>
    VaeFirstLevel,

    /// <summary>
    /// The product's bfloat16 mode: as <see cref="VaeFirstLevel"/>, but the first level's convolutions run
    /// bfloat16 (float32 convolutions there cost SD v1.5 ~0.6-0.9 s, a sixth of the bfloat16 forward); <c>conv_in</c>,
    /// that level's GroupNorms and its residual sums stay float32, and <c>gamma</c>.
    /// </summary>
    VaeFirstLevelNorms,

    /// <summary>The whole VAE encoder and <c>gamma</c> float32.</summary>
    Vae,
}

/// <summary>bfloat16 inference of <see cref="VpdRefer"/> with a float32 part (<see cref="Float32Part"/>).</summary>
internal static class MixedPrecision
{
    /// <summary>The float32 part of the product's bfloat16 mode (model loading, <c>vpd selftest</c>, <c>vpd bench</c>'s default).</summary>
    public const Float32Part ProductFloat32Part = Float32Part.VaeFirstLevelNorms;

    /// <summary><paramref name="tensor"/> in <paramref name="dtype"/>: itself when it already is, a converted copy otherwise.</summary>
    public static Tensor As(Tensor tensor, ScalarType dtype) => tensor.dtype == dtype ? tensor : tensor.to(dtype);

    /// <summary>
    /// <paramref name="conv"/> applied to <paramref name="x"/> converted to the conv's dtype: a bfloat16 conv inside a
    /// part whose norms and residual sums stay float32 (<see cref="Float32Part.VaeFirstLevelNorms"/>).
    /// </summary>
    public static Tensor ConvInOwnType(TorchSharp.Modules.Conv2d conv, Tensor x) => conv.forward(As(x, conv.weight!.dtype));

    /// <summary>The dtype of a module's first parameter (modules here hold a single dtype).</summary>
    public static ScalarType WeightType(nn.Module module) => module.parameters().First().dtype;

    /// <summary>
    /// Converts <paramref name="model"/> for bfloat16 inference, keeping <paramref name="float32"/> in float32.
    /// Inputs may stay float32: every part converts its input to its own dtype and <see cref="VpdRefer"/> returns
    /// float32 logits. The convolutions are laid out channels-last (NCHW bfloat16 convolutions are wrong on some
    /// CPUs) and checked on this host by <see cref="ConvolutionCheck"/>: a wrong kernel throws.
    /// </summary>
    public static VpdRefer ToBFloat16(this VpdRefer model, Float32Part float32)
    {
        model.Unet.to(ScalarType.BFloat16);
        model.TextAdapter.to(ScalarType.BFloat16);
        model.Classifier.to(ScalarType.BFloat16);
        switch (float32)
        {
            case Float32Part.None:
                model.to(ScalarType.BFloat16);
                break;
            case Float32Part.VaeFirstLevel:
                ToBFloat16Except(model.EncoderVq, model.EncoderVq.Encoder.FullResolutionParts);
                break;
            case Float32Part.VaeFirstLevelNorms:
                ToBFloat16Except(model.EncoderVq, model.EncoderVq.Encoder.FullResolutionNormsAndStem);
                break;
        }
        return model.ToCheckedChannelsLast($"VPD model in bfloat16 ({float32} float32)");
    }

    /// <summary>Converts <paramref name="module"/> to bfloat16 but for <paramref name="keep"/>, whose float32 values are kept exactly.</summary>
    private static void ToBFloat16Except(nn.Module module, IReadOnlyList<nn.Module> keep)
    {
        using var guard = no_grad();
        // Module.to converts every descendant; the kept parts are converted back from copies of their exact values.
        var saved = keep.Select(part => part.parameters().Select(p => p.detach().clone()).ToList()).ToList();
        module.to(ScalarType.BFloat16);
        for (var i = 0; i < keep.Count; i++)
        {
            keep[i].to(ScalarType.Float32);
            foreach (var (parameter, value) in keep[i].parameters().Zip(saved[i]))
            {
                parameter.copy_(value);
                value.Dispose();
            }
        }
    }
}
