using static TorchSharp.torch;

namespace Vpd.Model.Nn;

/// <summary>Normalisation layers with the reference defaults filled in.</summary>
internal static class Norms
{
    /// <summary>Stable Diffusion always uses 32 groups.</summary>
    public const int Groups = 32;

    /// <summary>
    /// GroupNorm(32, channels) with weight 1 and bias 0 (see <see cref="Nn.GroupNorm32"/>).
    /// </summary>
    public static GroupNorm32 GroupNorm32(long channels, double eps, Device? device) => new(channels, eps, device);
}
