using TorchSharp;
using TorchSharp.Modules;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using Vpd.Model.Vae;
using static TorchSharp.torch;

namespace Vpd.Model.Tests.Nn;

public sealed class MixedPrecisionTests
{
    private static ScalarType DType(nn.Module module) => module.parameters().First().dtype;

    /// <summary>A seeded Tiny model in eval mode, converted to bfloat16 with <paramref name="float32"/> kept, or float32 when null.</summary>
    private static VpdRefer TinyModel(Float32Part? float32)
    {
        manual_seed(5);
        var model = new VpdRefer(VpdReferConfig.Tiny);
        model.eval();
        return float32 is { } part ? model.ToBFloat16(part) : model;
    }

    private static Dictionary<string, nn.Module> EncoderModules(VpdRefer model) =>
        model.EncoderVq.Encoder.named_modules().ToDictionary(m => m.name, m => m.module);

    [Fact]
    public void ToBFloat16_VaeFirstLevelNorms_OnlyStemNormsAndGammaStayFloat32()
    {
        using var model = TinyModel(Float32Part.VaeFirstLevelNorms);

        var encoder = EncoderModules(model);
        Assert.Equal(ScalarType.Float32, DType(encoder["conv_in"]));
        var firstLevel = encoder.Where(m => m.Key.StartsWith("down.0.", StringComparison.Ordinal) && m.Value is GroupNorm32 or Conv2d).ToList();
        Assert.Contains(firstLevel, m => m.Value is GroupNorm32);
        Assert.All(firstLevel, m => Assert.Equal(m.Value is GroupNorm32 ? ScalarType.Float32 : ScalarType.BFloat16, DType(m.Value)));
        Assert.All(encoder.Where(m => m.Key.StartsWith("down.1.", StringComparison.Ordinal) && m.Value is GroupNorm32 or Conv2d),
            m => Assert.Equal(ScalarType.BFloat16, DType(m.Value)));
        Assert.Equal(ScalarType.BFloat16, DType(model.Unet));
        Assert.Equal(ScalarType.Float32, model.named_parameters().Single(p => p.name == "gamma").parameter.dtype);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Forward_VaeFirstLevelNorms_BFloat16ConvolutionsAddIntoAFloat32Stream(bool inference)
    {
        using var model = TinyModel(Float32Part.VaeFirstLevelNorms);
        var block = (VaeResnetBlock)EncoderModules(model)["down.0.block.0"];
        using var input = randn(1, VaeEncoderConfig.Tiny.Ch, 16, 16);
        using var mode = inference ? inference_mode() : null;

        using var output = block.forward(input);

        // Both the in-place (no autograd) and the autograd path keep the level's residual sum float32.
        Assert.Equal(ScalarType.Float32, output.dtype);
        Assert.True(output.isfinite().all().item<bool>());
        using var latents = model.EncoderVq.forward(rand(1, 3, VpdReferConfig.Tiny.ImageSize, VpdReferConfig.Tiny.ImageSize) * 2 - 1);
        Assert.True(latents.isfinite().all().item<bool>());
    }

    [Fact]
    public void ForwardConsuming_VaeFirstLevelNorms_SumsIntoItsInputWithThePureForwardsValues()
    {
        using var model = TinyModel(Float32Part.VaeFirstLevelNorms);
        var modules = EncoderModules(model);
        var block = (VaeResnetBlock)modules["down.0.block.0"];
        var level = (VaeDownLevel)modules["down.0"];
        using var input = randn(1, VaeEncoderConfig.Tiny.Ch, 16, 16);
        using var original = input.clone();
        using var mode = inference_mode();

        using var pureBlock = block.forward(input);
        using var pureLevel = level.forward(input);
        Assert.True(input.eq(original).all().item<bool>(), "the pure forwards left their input unchanged");

        var consumedBlock = block.ForwardConsuming(input);
        Assert.Same(input, consumedBlock);
        Assert.True(consumedBlock.eq(pureBlock).all().item<bool>(), "the in-place sum has the pure forward's values");
        using var levelInput = original.clone();
        using var consumedLevel = level.ForwardConsuming(levelInput);
        Assert.True(consumedLevel.eq(pureLevel).all().item<bool>());
    }

    [Fact]
    public void ForwardConsuming_SingleDType_LeavesItsInputUnchanged()
    {
        using var model = TinyModel(float32: null);
        var block = (VaeResnetBlock)EncoderModules(model)["down.0.block.0"];
        using var input = randn(1, VaeEncoderConfig.Tiny.Ch, 16, 16);
        using var original = input.clone();
        using var mode = inference_mode();

        using var output = block.ForwardConsuming(input);

        // float32 throughout: the sum goes into the fresh conv output, as before.
        Assert.NotSame(input, output);
        Assert.True(input.eq(original).all().item<bool>());
    }
}
