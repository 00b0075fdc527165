using TorchSharp;
using TorchSharp.Modules;
using Vpd.Model.Nn;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Vae;

/// <summary>
/// The encoder's downsample: zero-pad right and bottom by one pixel, then a stride-2 3x3 conv without
/// padding (asymmetric, unlike the UNet's padding-1 downsample).
/// </summary>
internal sealed class VaeDownsample : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;

    /// <summary>A downsample over <paramref name="channels"/> channels.</summary>
    public VaeDownsample(long channels, Device? device = null) : base(nameof(VaeDownsample))
    {
        conv = nn.Conv2d(channels, channels, 3, stride: 2, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // Converted before padding: a float32 stream into a bfloat16 conv is padded at half the size.
        var padded = F.pad(MixedPrecision.As(x, conv.weight!.dtype), [0, 1, 0, 1], PaddingModes.Constant, 0.0);
        return conv.forward(padded).MoveToOuterDisposeScope();
    }
}
