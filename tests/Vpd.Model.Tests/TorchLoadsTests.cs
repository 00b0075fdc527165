using TorchSharp;

namespace Vpd.Model.Tests;

public sealed class TorchLoadsTests
{
    [Fact]
    public void NativeLibrary_OnThisMachine_LoadsAndComputes()
    {
        // Fails when libLibTorchSharp.so cannot load (the GLIBCXX_3.4.32 patch of Directory.Build.targets).
        using var sum = torch.arange(4, dtype: torch.float32).sum();
        Assert.Equal(6f, sum.item<float>());
    }
}
