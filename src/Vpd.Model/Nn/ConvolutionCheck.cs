using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Vpd.Model.Nn;

/// <summary>
/// Proves, before a model is used, that this host's libtorch computes each of its convolutions correctly,
/// and moves a wrong one to the layout that is right. Why: on one of this project's CPU machines (AMD EPYC
/// with avx512_bf16 and vp2intersect; libtorch 2.10, oneDNN 3.7.1) NCHW convolutions were wrong for some
/// channel counts -- in bfloat16 every 3x3 convolution whose output or input channel count is not a
/// multiple of 16 by 10-60%, in float32 large inputs not a multiple of 16 (SD v1.5 VPD's 2600-channel head
/// conv) by 4% -- while channels-last gave every shape right, and the machine before it had no such fault.
/// A model that wrong would publish wrong numbers without a sign, so each distinct convolution shape runs
/// once on a small seeded input and is compared with float64 arithmetic on the same values (libtorch's
/// float64 convolution does not go through oneDNN).
/// </summary>
internal static class ConvolutionCheck
{
    /// <summary>Largest accepted relative error in bfloat16: output rounding alone gives ~2e-3; the fault gave >= 0.1.</summary>
    public const double BFloat16Tolerance = 2e-2;

    /// <summary>Largest accepted relative error in float32 (TF32 on a GPU gives ~5e-4); the fault gave 4e-2.</summary>
    public const double Float32Tolerance = 5e-3;

    private const long Spatial = 8;
    private const long EdgeChannels = 24;

    /// <summary>
    /// Lays all of <paramref name="module"/>'s convolutions out channels-last (faster in bfloat16 on every host
    /// measured, see <see cref="ChannelsLast"/>) and verifies them (<see cref="Repair"/> finds nothing to move); returns the module.
    /// </summary>
    public static T ToCheckedChannelsLast<T>(this T module, string what) where T : nn.Module
    {
        module.ToChannelsLast();
        Repair(module, what);
        return module;
    }

    /// <summary>
    /// Checks every <see cref="Conv2d"/> of <paramref name="module"/> (once per distinct shape, dtype and layout);
    /// a wrong NCHW one is re-laid out channels-last and checked again (a float32 one of a known-faulty shape is
    /// moved before its NCHW kernel runs, see <see cref="NotRunInNchw"/>), and one wrong in every layout throws
    /// <see cref="InvalidOperationException"/> naming it. Layers that are right keep their layout, so results
    /// stay bit-identical to an unchecked model's. Returns the names of the layers moved to channels-last.
    /// </summary>
    public static IReadOnlyList<string> Repair(nn.Module module, string what)
    {
        using var guard = inference_mode();
        var errors = new Dictionary<string, double>(StringComparer.Ordinal);
        var generator = new Generator(20260101);
        var moved = new List<string>();
        foreach (var (name, child) in module.named_modules())
        {
            if (child is not Conv2d { weight: { } weight } conv || Tolerance(weight.dtype) is not { } tolerance)
            {
                continue;
            }
            if (!ChannelsLast.IsChannelsLast(weight) && NotRunInNchw(weight))
            {
                ChannelsLast.ToChannelsLast(conv);
                moved.Add(name);
            }
            if (ErrorOf(conv, errors, generator) <= tolerance)
            {
                continue;
            }
            if (!ChannelsLast.IsChannelsLast(weight))
            {
                ChannelsLast.ToChannelsLast(conv);
                if (ErrorOf(conv, errors, generator) <= tolerance)
                {
                    moved.Add(name);
                    continue;
                }
            }
            throw new InvalidOperationException(
                $"{what}: convolution '{name}' ({Signature(conv, conv.weight!)}) differs from float64 arithmetic by " +
                $"{ErrorOf(conv, errors, generator):P1} on this host (libtorch {__version__}, tolerance {tolerance:P1}); " +
                "its convolution kernels cannot be trusted here");
        }
        return moved;
    }

    /// <summary>
    /// float32 spatial convolutions over many input channels that are not a multiple of 16 (SD v1.5 VPD's 2600- and
    /// 1320-channel head convs) go channels-last without their NCHW kernel ever running: on some CPUs that kernel's
    /// results are several percent wrong (docs/performance.md), and a kernel known to be wrong is not worth running. Smaller counts (VAE <c>conv_in</c>'s 3) are right there and keep the check.
    /// </summary>
    private static bool NotRunInNchw(Tensor weight) =>
        weight.dtype == ScalarType.Float32 && weight.shape[1] >= 256 && weight.shape[1] % 16 != 0 && weight.shape[2] * weight.shape[3] > 1;

    /// <summary>The number of distinct convolution shapes <see cref="Repair"/> would check in <paramref name="module"/>.</summary>
    public static int DistinctShapes(nn.Module module) =>
        module.named_modules().Select(m => m.module).OfType<Conv2d>()
            .Where(c => c.weight is { } w && Tolerance(w.dtype) is not null)
            .Select(c => Signature(c, c.weight!)).Distinct(StringComparer.Ordinal).Count();

    private static double? Tolerance(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => BFloat16Tolerance,
        ScalarType.Float32 => Float32Tolerance,
        _ => null,
    };

    private static string Signature(Conv2d conv, Tensor weight) =>
        $"{conv.in_channels}->{conv.out_channels}, kernel {string.Join('x', conv.kernel_size)}, stride {string.Join('x', conv.stride)}, " +
        $"groups {conv.groups}, {weight.dtype}, {(ChannelsLast.IsChannelsLast(weight) ? "channels-last" : "NCHW")}";

    private static double ErrorOf(Conv2d conv, Dictionary<string, double> errors, Generator generator)
    {
        var signature = Signature(conv, conv.weight!);
        if (!errors.TryGetValue(signature, out var error))
        {
            error = RelativeError(conv, conv.weight!, generator);
            errors[signature] = error;
        }
        return error;
    }

    private static double RelativeError(Conv2d conv, Tensor weight, Generator generator)
    {
        using var scope = NewDisposeScope();
        var input = randn([1, conv.in_channels, Spatial, Spatial], generator: generator).to(weight.dtype).to(weight.device);
        var actual = conv.forward(input).cpu().to(ScalarType.Float64);
        Tensor w = weight;
        Tensor? b = conv.bias;
        if (conv.groups == 1 && conv.out_channels > 2 * EdgeChannels)
        {
            // float64 arithmetic is slow: compare the first and last output channels only (the last block is where
            // a padded-channel fault shows; every output channel reads every input channel).
            var index = cat([arange(EdgeChannels), arange(conv.out_channels - EdgeChannels, conv.out_channels)]);
            actual = actual.index_select(1, index);
            w = w.index_select(0, index.to(weight.device));
            b = b?.index_select(0, index.to(weight.device));
        }
        var expected = F.conv2d(
            input.cpu().to(ScalarType.Float64), w.cpu().to(ScalarType.Float64).contiguous(), b?.cpu().to(ScalarType.Float64),
            conv.stride, Padding(conv), conv.dilation, conv.groups);
        var norm = expected.norm().item<double>();
        var difference = (actual - expected).norm().item<double>();
        // An all-zero layer (ldm zero-initialises some) must give zeros; NaN output gives NaN, which fails every comparison.
        return norm > 0 ? difference / norm : difference == 0 ? 0 : double.PositiveInfinity;
    }

    private static long[] Padding(Conv2d conv) => conv.padding ?? conv.padding_type switch
    {
        TorchSharp.Padding.Valid => [0, 0],
        _ => conv.kernel_size.Zip(conv.dilation, (k, d) => d * (k - 1) / 2).ToArray(),
    };
}
