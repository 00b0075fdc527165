using TorchSharp;
using static TorchSharp.torch;

namespace Vpd.Model.Nn;

/// <summary>
/// bfloat16 inference of <see cref="VpdRefer"/>. bfloat16 keeps 8 significant bits; on the golden tiny
/// case every part contributes a similar share of the argmax flips (rounding only the weights to bfloat16
/// flips 2% of the pixels, rounding only the input image 0.8%), and the VAE encoder's 2% latent error is
/// amplified by the UNet. Keeping the VAE encoder in float32 (it runs once per image; the UNet and head run
/// per sentence) brings the mask agreement with float32 to 98.5% there.
/// </summary>
public static class MixedPrecision
{
    /// <summary><paramref name="tensor"/> in <paramref name="dtype"/>: itself when it already is, a converted copy otherwise.</summary>
    public static Tensor As(Tensor tensor, ScalarType dtype) => tensor.dtype == dtype ? tensor : tensor.to(dtype);

    /// <summary>The dtype of a module's first parameter (modules here hold a single dtype).</summary>
    public static ScalarType WeightType(nn.Module module) => module.parameters().First().dtype;

    /// <summary>
    /// Converts <paramref name="model"/> for bfloat16 inference: everything, or everything but the VAE encoder
    /// (and the scalar-sized <c>gamma</c>) when <paramref name="keepVaeFloat32"/>. Inputs may stay float32:
    /// <see cref="VpdRefer"/> converts them at each part's boundary and returns float32 logits. The convolutions
    /// are laid out channels-last (NCHW bfloat16 convolutions are wrong on some CPUs) and checked on this
    /// host by <see cref="ConvolutionCheck"/>: a wrong kernel throws.
    /// </summary>
    public static VpdRefer ToBFloat16(this VpdRefer model, bool keepVaeFloat32)
    {
        if (keepVaeFloat32)
        {
            model.Unet.to(ScalarType.BFloat16);
            model.TextAdapter.to(ScalarType.BFloat16);
            model.Classifier.to(ScalarType.BFloat16);
        }
        else
        {
            model.to(ScalarType.BFloat16);
        }
        return model.ToCheckedChannelsLast("VPD model in bfloat16");
    }
}
