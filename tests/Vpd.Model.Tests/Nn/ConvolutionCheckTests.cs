using TorchSharp;
using TorchSharp.Modules;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using Xunit.Abstractions;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Tests.Nn;

public sealed class ConvolutionCheckTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2600L)]
    [InlineData(1320L)]
    public void Repair_Float32ManyInputChannelsNotAMultipleOf16_ChannelsLastWithoutRunningNchw(long inChannels)
    {
        manual_seed(8);
        using var model = nn.Sequential(("head", nn.Conv2d(inChannels, 16, 3, padding: 1)));

        var moved = ConvolutionCheck.Repair(model, "test model");

        Assert.Equal(["head"], moved);
        Assert.True(ChannelsLast.IsChannelsLast(((Conv2d)model[0]).weight!));
    }

    [Fact]
    public void ToBFloat16_TinyModel_EveryConvolutionBFloat16ChannelsLastAndChecked()
    {
        manual_seed(5);
        using var model = new VpdRefer(VpdReferConfig.Tiny);
        model.eval();

        model.ToBFloat16(Float32Part.None);

        var convolutions = model.named_modules().Select(m => m.module).OfType<Conv2d>().ToList();
        Assert.NotEmpty(convolutions);
        Assert.All(convolutions, conv => Assert.Equal(ScalarType.BFloat16, conv.weight!.dtype));
        Assert.All(convolutions.Where(c => c.out_channels > 1), conv => Assert.True(ChannelsLast.IsChannelsLast(conv.weight!)));
        Assert.InRange(ConvolutionCheck.DistinctShapes(model), 2, convolutions.Count);
        Assert.Empty(ConvolutionCheck.Repair(model, "tiny"));
    }

    [Theory]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float32)]
    public void Repair_ConvolutionWrongInEveryLayout_RefusedNamingTheLayer(ScalarType dtype)
    {
        // Stands in for a faulty kernel: reflect padding makes the module's output differ from the zero-padded
        // float64 arithmetic the check compares against, on every host and in every layout.
        manual_seed(6);
        using var model = nn.Sequential(
            ("good", nn.Conv2d(16, 16, 3, padding: 1)),
            ("faulty", nn.Conv2d(16, 8, 3, padding: 1, padding_mode: PaddingModes.Reflect)));
        model.to(dtype);

        var error = Assert.Throws<InvalidOperationException>(() => ConvolutionCheck.Repair(model, "test model"));

        Assert.Contains("test model", error.Message);
        Assert.Contains("'faulty'", error.Message);
        Assert.Contains("16->8", error.Message);
        Assert.Contains(dtype.ToString(), error.Message);
    }

    /// <summary>
    /// Shapes that one of this project's hosts computed wrongly in NCHW (ConvolutionCheck's summary). Whatever this
    /// host does, after Repair each layer must match float64 arithmetic, and a layer left in NCHW must have been right there.
    /// </summary>
    [Theory]
    [InlineData(2600, 640, ScalarType.Float32, 5e-3)]
    [InlineData(64, 8, ScalarType.BFloat16, 2e-2)]
    [InlineData(40, 640, ScalarType.BFloat16, 2e-2)]
    [InlineData(320, 320, ScalarType.Float32, 5e-3)]
    public void Repair_ShapesFaultyOnSomeHost_RightAfterwards(long inChannels, long outChannels, ScalarType dtype, double tolerance)
    {
        manual_seed(7);
        using var model = nn.Sequential(("conv", nn.Conv2d(inChannels, outChannels, 3, padding: 1)));
        model.to(dtype);
        var conv = (Conv2d)model[0];

        var moved = ConvolutionCheck.Repair(model, "test model");

        output.WriteLine($"{inChannels}->{outChannels} {dtype}: moved to channels-last: {moved.Count == 1}");
        Assert.Equal(moved.Count == 1, ChannelsLast.IsChannelsLast(conv.weight!));
        using var guard = inference_mode();
        using var input = randn(2, inChannels, 12, 12);
        using var actual = conv.forward(input.to(dtype)).to(ScalarType.Float64);
        using var expected = F.conv2d(input.to(dtype).to(ScalarType.Float64), conv.weight!.to(ScalarType.Float64).contiguous(),
            conv.bias!.to(ScalarType.Float64), padding: [1, 1]);
        var error = (actual - expected).norm().item<double>() / expected.norm().item<double>();
        Assert.True(error <= tolerance, $"relative error {error} after Repair");
    }

    [Fact]
    public void Repair_RightFloat32Layers_KeepTheirLayout()
    {
        manual_seed(8);
        using var model = nn.Sequential(("a", nn.Conv2d(32, 64, 3, padding: 1)), ("b", nn.Conv2d(64, 64, 1)));

        Assert.Empty(ConvolutionCheck.Repair(model, "float32 model"));
        Assert.False(ChannelsLast.IsChannelsLast(((Conv2d)model[0]).weight!));
        Assert.Equal(2, ConvolutionCheck.DistinctShapes(model));
    }

    [Fact]
    public void Repair_ZeroInitialisedLayer_Accepted()
    {
        using var model = nn.Sequential(("zero", nn.Conv2d(32, 32, 1)));
        using (no_grad())
        {
            ((Conv2d)model[0]).weight!.zero_();
            ((Conv2d)model[0]).bias!.zero_();
        }

        Assert.Empty(ConvolutionCheck.Repair(model, "zero model"));
    }

    [Fact]
    public void Repair_Float64Model_NothingToCheck()
    {
        using var model = nn.Sequential(("conv", nn.Conv2d(4, 8, 3, padding: 1)));
        model.to(ScalarType.Float64);

        Assert.Equal(0, ConvolutionCheck.DistinctShapes(model));
        Assert.Empty(ConvolutionCheck.Repair(model, "float64 model"));
    }
}
