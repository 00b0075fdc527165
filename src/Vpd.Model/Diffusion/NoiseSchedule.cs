using static TorchSharp.torch;

namespace Vpd.Model.Diffusion;

/// <summary>
/// Stable Diffusion's training schedule (ldm "linear": <c>betas = linspace(sqrt(0.00085), sqrt(0.012), 1000)^2</c>
/// in float64, <c>alphas_cumprod = cumprod(1 - betas)</c>) and the forward diffusion of latents to step T.
/// </summary>
public static class NoiseSchedule
{
    /// <summary>Number of diffusion steps.</summary>
    public const int Steps = 1000;

    /// <summary>beta at step 0 (ldm <c>linear_start</c>).</summary>
    public const double LinearStart = 0.00085;

    /// <summary>beta at the last step (ldm <c>linear_end</c>).</summary>
    public const double LinearEnd = 0.012;

    private static readonly Lazy<double[]> AlphasCumprodValues = new(Compute);

    /// <summary>alphas_cumprod[t] for t in 0..999, float64 (index = timestep).</summary>
    public static IReadOnlyList<double> AlphasCumprod => AlphasCumprodValues.Value;

    /// <summary>
    /// The coefficients of <c>z_T = a * z0 + b * eps</c>: <c>a = float32(sqrt(acp[T]))</c>,
    /// <c>b = float32(sqrt(1 - acp[T]))</c>, computed in float64 first as ldm does.
    /// </summary>
    public static (float A, float B) Coefficients(int step)
    {
        if (step is < 0 or >= Steps)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"noise step must be within 0..{Steps - 1}");
        }
        var acp = AlphasCumprodValues.Value[step];
        return ((float)Math.Sqrt(acp), (float)Math.Sqrt(1.0 - acp));
    }

    /// <summary>Diffuses <paramref name="latents"/> to step <paramref name="step"/> with the given noise (broadcast over the batch if it has one sample).</summary>
    public static Tensor AddNoise(Tensor latents, Tensor noise, int step)
    {
        var (a, b) = Coefficients(step);
        using var scaledLatents = latents * a;
        using var scaledNoise = noise.to_type(latents.dtype) * b;
        return scaledLatents + scaledNoise;
    }

    private static double[] Compute()
    {
        // libtorch's linspace and cumprod in float64, the reference's own ops.
        using var scope = NewDisposeScope();
        var betas = linspace(Math.Sqrt(LinearStart), Math.Sqrt(LinearEnd), Steps, dtype: ScalarType.Float64).pow(2);
        return (1.0 - betas).cumprod(0).data<double>().ToArray();
    }
}
