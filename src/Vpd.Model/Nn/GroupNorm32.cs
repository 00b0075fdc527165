using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Nn;

/// <summary>
/// GroupNorm over 32 groups with parameters <c>weight</c> (initialised to 1) and <c>bias</c> (0), the
/// way ldm's <c>GroupNorm32</c> and <c>Normalize</c> are saved. Written out because TorchSharp 0.107's
/// nn.GroupNorm leaves its affine parameters uninitialised. No float32 round trip is needed for
/// bfloat16 inputs: libtorch's group_norm kernels accumulate statistics in float32 already.
/// </summary>
internal sealed class GroupNorm32 : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly double eps;

    /// <summary>A norm over <paramref name="channels"/> channels (a multiple of 32).</summary>
    public GroupNorm32(long channels, double eps, Device? device = null) : base(nameof(GroupNorm32))
    {
        if (channels % Norms.Groups != 0)
        {
            throw new ArgumentException($"GroupNorm with {Norms.Groups} groups needs a channel count divisible by {Norms.Groups}, got {channels}", nameof(channels));
        }
        weight = new Parameter(ones(channels, device: device));
        bias = new Parameter(zeros(channels, device: device));
        this.eps = eps;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => F.group_norm(x, Norms.Groups, weight, bias, eps);
}
