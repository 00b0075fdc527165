using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vpd.Model.Nn;

/// <summary>Normalisation layers with the reference defaults filled in.</summary>
public static class Norms
{
    /// <summary>Stable Diffusion always uses 32 groups.</summary>
    public const int Groups = 32;

    /// <summary>
    /// GroupNorm(32, channels) with weight 1 and bias 0. TorchSharp 0.107 leaves GroupNorm's affine
    /// parameters uninitialised, which would make a freshly built (untrained) model produce garbage.
    /// </summary>
    public static GroupNorm GroupNorm32(long channels, double eps, Device? device)
    {
        if (channels % Groups != 0)
        {
            throw new ArgumentException($"GroupNorm with {Groups} groups needs a channel count divisible by {Groups}, got {channels}", nameof(channels));
        }
        var norm = nn.GroupNorm(Groups, channels, eps, affine: true, device: device);
        using (no_grad())
        {
            norm.weight!.fill_(1.0);
            norm.bias!.fill_(0.0);
        }
        return norm;
    }
}
