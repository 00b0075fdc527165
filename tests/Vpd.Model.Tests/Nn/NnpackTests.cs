using TorchSharp;
using Vpd.Model.Nn;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Tests.Nn;

public sealed class NnpackTests
{
    [Fact]
    public void EnsureOff_Linux_SwitchFoundAndConvolutionsStillRight()
    {
        var off = Nnpack.EnsureOff();

        Assert.Equal(OperatingSystem.IsLinux(), off);
        Assert.Equal(off, Nnpack.EnsureOff());
        // A float32 NCHW batch of 16 is what libtorch would have sent to NNPACK; oneDNN must still compute it.
        manual_seed(9);
        using var input = randn(16, 8, 10, 10);
        using var weight = randn(16, 8, 3, 3);
        using var actual = F.conv2d(input, weight, padding: [1, 1]);
        using var expected = F.conv2d(input.to(ScalarType.Float64), weight.to(ScalarType.Float64), padding: [1, 1]);
        Assert.True((actual.to(ScalarType.Float64) - expected).abs().max().item<double>() < 1e-3);
    }
}
