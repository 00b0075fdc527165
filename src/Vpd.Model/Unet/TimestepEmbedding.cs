using static TorchSharp.torch;

namespace Vpd.Model.Unet;

/// <summary>ldm's sinusoidal timestep embedding.</summary>
internal static class TimestepEmbedding
{
    private const double MaxPeriod = 10000.0;

    /// <summary>
    /// Timesteps [B] (any numeric dtype) -> [B, dim] float32: <c>freqs[i] = exp(-ln(10000) * i / half)</c>,
    /// <c>args = t * freqs</c>, <c>[cos(args), sin(args)]</c> (cos first, as ldm; diffusers defaults to sin first).
    /// </summary>
    public static Tensor Sinusoidal(Tensor timesteps, int dim)
    {
        if (dim % 2 != 0)
        {
            throw new ArgumentException($"timestep embedding dimension must be even, got {dim}", nameof(dim));
        }
        using var scope = NewDisposeScope();
        var half = dim / 2;
        var freqs = arange(0, half, dtype: ScalarType.Float32, device: timesteps.device).mul(-Math.Log(MaxPeriod)).div(half).exp();
        var args = timesteps.to_type(ScalarType.Float32).unsqueeze(1) * freqs.unsqueeze(0);
        return cat([args.cos(), args.sin()], 1).MoveToOuterDisposeScope();
    }
}
