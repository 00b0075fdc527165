using static TorchSharp.torch;
using Vpd.Model.Nn;

namespace Vpd.Tools.Benchmarks;

/// <summary>What <see cref="ModelBenchmark"/> measures.</summary>
public sealed record ModelBenchmarkOptions
{
    /// <summary><c>sd15</c> (VPD on Stable Diffusion v1.5) or <c>tiny</c>.</summary>
    public string Preset { get; init; } = "sd15";

    /// <summary>Image side in pixels (a multiple of 64); null = the preset's own (512 / 128).</summary>
    public int? Size { get; init; }

    /// <summary>Float32 or BFloat16: weights and activations of every stage.</summary>
    public ScalarType DType { get; init; } = ScalarType.Float32;

    /// <summary>Intra-op threads for libtorch; 0 keeps libtorch's default.</summary>
    public int Threads { get; init; }

    /// <summary>Sentences per image: CLIP, the UNet and the head run on a batch of this many against one image's latents.</summary>
    public int Sentences { get; init; } = 1;

    /// <summary>Untimed runs per stage before the timed ones (oneDNN builds its kernels on the first call).</summary>
    public int Warmup { get; init; } = 1;

    /// <summary>Timed runs per stage; the median is reported.</summary>
    public int Runs { get; init; } = 3;

    /// <summary>Side of the square matmuls that measure this machine's floor (0 skips them).</summary>
    public int MatmulSize { get; init; } = 2048;

    /// <summary>Seed of the random weights and inputs.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Lay the VAE, UNet and head conv weights out channels-last (see <see cref="Nn.ChannelsLast"/>; faster here, the default).</summary>
    public bool ChannelsLast { get; init; } = true;

    /// <summary>With bfloat16: the part kept in float32 (see <see cref="Float32Part"/>); default: the product's bfloat16 mode.</summary>
    public Float32Part Float32Part { get; init; } = Vpd.Model.Nn.MixedPrecision.ProductFloat32Part;

    /// <summary>With bfloat16: a golden VPDRefer case (<c>vpd_refer_tiny.safetensors</c>) whose mask agreement to report; null = none.</summary>
    public string? GoldenCasePath { get; init; }

    /// <summary>Reference timings to compare with (<c>perf_anchors.json</c>); null = no comparison.</summary>
    public string? AnchorsPath { get; init; }

    /// <summary>Throws naming the first option that is out of range.</summary>
    public void Validate()
    {
        if (Preset is not ("sd15" or "tiny"))
        {
            throw new ArgumentException($"preset '{Preset}' is unknown (sd15, tiny)");
        }
        if (Size is { } size && (size <= 0 || size % 64 != 0 || size > 2048))
        {
            throw new ArgumentException($"size {size} must be a positive multiple of 64, at most 2048");
        }
        if (DType is not (ScalarType.Float32 or ScalarType.BFloat16))
        {
            throw new ArgumentException($"dtype {DType} is not supported (float32, bfloat16)");
        }
        if (DType == ScalarType.BFloat16 && !ChannelsLast)
        {
            throw new ArgumentException("bfloat16 runs channels-last only: NCHW bfloat16 convolutions are wrong on some CPUs (see ConvolutionCheck)");
        }
        if (Threads < 0 || Sentences is < 1 or > 64 || Warmup < 0 || Runs < 1 || MatmulSize < 0)
        {
            throw new ArgumentException(
                $"threads {Threads} must be >= 0, sentences {Sentences} within 1..64, warmup {Warmup} >= 0, runs {Runs} >= 1, matmul size {MatmulSize} >= 0");
        }
    }
}
