using static TorchSharp.torch;

namespace Vpd.Model.Inference;

/// <summary>
/// How an <see cref="ObjectSegmenter"/> runs: where, in which precision, and with which noise. The
/// manifest of a queue run pins the same values, so the pipeline and <c>vpd eval</c> agree.
/// </summary>
/// <param name="Device">Where the model runs (cpu or cuda).</param>
/// <param name="DType">Weights' and activations' type: float32 or bfloat16.</param>
/// <param name="NoiseStep">0 = VPD's plain forward; 1..999 = latents diffused to that step.</param>
/// <param name="NoiseSeed">Seeds the per-image noise together with the image id.</param>
/// <param name="LatentCacheImages">How many images' latents stay cached (an image's objects usually arrive together).</param>
/// <param name="BatchSentences">
/// False (default): the object's sentences run through the text encoder and UNet one at a time, so a
/// sentence's mask never depends on which other sentences came with it -- libtorch's kernels pick
/// different blockings for different batch sizes, and with one CPU thread a batch of K was measured to
/// flip near-tie pixels against the same sentences run alone. True: one batch of K (faster on a GPU);
/// then masks are reproducible only for the same grouping of sentences.
/// </param>
public sealed record SegmenterOptions(
    Device Device,
    ScalarType DType = ScalarType.Float32,
    int NoiseStep = 0,
    long NoiseSeed = 0,
    int LatentCacheImages = 8,
    bool BatchSentences = false)
{
    /// <summary>CPU, float32, no noise.</summary>
    public static SegmenterOptions Cpu { get; } = new(CPU);

    /// <summary>Parses the CLI's device and dtype names ("cpu"/"cuda"/"cuda:N", "float32"/"bfloat16").</summary>
    public static SegmenterOptions Parse(string device, string dtype, int noiseStep = 0, long noiseSeed = 0) =>
        new(ParseDevice(device), ParseDType(dtype), noiseStep, noiseSeed);

    public static Device ParseDevice(string device)
    {
        if (device == "cpu")
        {
            return CPU;
        }
        if (device == "cuda" || device.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!TorchSharp.torch.cuda.is_available())
            {
                throw new NotSupportedException($"device '{device}' requested but CUDA is not available in this process");
            }
            return TorchSharp.torch.device(device);
        }
        throw new ArgumentException($"device must be cpu, cuda or cuda:N, got '{device}'", nameof(device));
    }

    public static ScalarType ParseDType(string dtype) => dtype switch
    {
        "float32" => ScalarType.Float32,
        "bfloat16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"dtype must be float32 or bfloat16, got '{dtype}'", nameof(dtype)),
    };

    /// <summary>Throws naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (DType is not (ScalarType.Float32 or ScalarType.BFloat16))
        {
            throw new ArgumentException($"dtype must be float32 or bfloat16, got {DType}");
        }
        if (NoiseStep is < 0 or >= Diffusion.NoiseSchedule.Steps)
        {
            throw new ArgumentException($"noise step must be within 0..{Diffusion.NoiseSchedule.Steps - 1}, got {NoiseStep}");
        }
        if (LatentCacheImages < 1)
        {
            throw new ArgumentException($"the latent cache must hold at least one image, got {LatentCacheImages}");
        }
    }
}
