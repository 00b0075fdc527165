using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Unet;

/// <summary>The UNet's <c>Downsample</c>: field <c>op</c>, a 3x3 conv with stride 2 and symmetric padding 1.</summary>
internal sealed class Downsample : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d op;

    /// <summary>A downsample over <paramref name="channels"/> channels.</summary>
    public Downsample(long channels, Device? device = null) : base(nameof(Downsample))
    {
        op = nn.Conv2d(channels, channels, 3, stride: 2, padding: 1, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => op.forward(x);
}

/// <summary>The UNet's <c>Upsample</c>: nearest-neighbour x2, then field <c>conv</c> (3x3, padding 1).</summary>
internal sealed class Upsample : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;

    /// <summary>An upsample over <paramref name="channels"/> channels.</summary>
    public Upsample(long channels, Device? device = null) : base(nameof(Upsample))
    {
        conv = nn.Conv2d(channels, channels, 3, padding: 1, device: device);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var up = F.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        return conv.forward(up);
    }
}
