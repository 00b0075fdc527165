using System.Diagnostics;
using TorchSharp;
using Vpd.Model.Nn;
using static TorchSharp.torch;
using Vpd.Model;

namespace Vpd.Tools.Benchmarks;

/// <summary>One stage's interleaved timings of two variants of the same model.</summary>
public sealed record PairedTiming(string Stage, string BeforeLabel, IReadOnlyList<double> BeforeMs, string AfterLabel, IReadOnlyList<double> AfterMs)
{
    /// <summary>Median of the before variant's timings.</summary>
    public double BeforeMedianMs => StageTiming.Median(BeforeMs);

    /// <summary>Median of the after variant's timings.</summary>
    public double AfterMedianMs => StageTiming.Median(AfterMs);

    /// <summary>Median time before over median time after (above 1: the after variant is faster).</summary>
    public double Speedup => BeforeMedianMs / AfterMedianMs;
}

/// <summary>
/// Before/after measurements that survive a shared or noisy machine: two models with the same random weights,
/// prepared two ways, timed alternately stage by stage (A, B, A, B, ...), so that load changes hit both alike.
/// On a shared machine consecutive identical runs can differ by more than the effect measured (docs/performance.md).
/// </summary>
public static class PairedComparison
{
    /// <summary>Stage name of the UNet and head together (run from the same cached latents).</summary>
    public const string UnetHeadStage = "unet+head";

    /// <summary>float32 in libtorch's default layout (NCHW) against float32 channels-last (<see cref="ChannelsLast"/>).</summary>
    public static IReadOnlyList<PairedTiming> Layouts(ModelBenchmarkOptions options, Action<string>? log = null)
    {
        if (options.DType != ScalarType.Float32)
        {
            throw new ArgumentException("the layout comparison runs in float32 only: bfloat16 models are always channels-last (see ConvolutionCheck)");
        }
        return Run(options, ("nchw", model => model), ("channels-last", model => model.ToChannelsLast()), log);
    }

    /// <summary>float32 channels-last against bfloat16 with <see cref="ModelBenchmarkOptions.Float32Part"/> kept float32.</summary>
    public static IReadOnlyList<PairedTiming> DTypes(ModelBenchmarkOptions options, Action<string>? log = null) =>
        Run(options with { DType = ScalarType.Float32 },
            ("float32", model => model.ToChannelsLast()),
            ($"bfloat16 ({options.Float32Part} float32)", model => model.ToBFloat16(options.Float32Part)),
            log);

    private static IReadOnlyList<PairedTiming> Run(
        ModelBenchmarkOptions options, (string Label, Func<VpdRefer, VpdRefer> Prepare) before, (string Label, Func<VpdRefer, VpdRefer> Prepare) after,
        Action<string>? log)
    {
        options.Validate();
        log ??= _ => { };
        if (options.Threads > 0)
        {
            set_num_threads(options.Threads);
        }
        var config = ModelBenchmark.Configure(options);
        var size = config.ImageSize;
        VpdRefer Build(Func<VpdRefer, VpdRefer> prepare)
        {
            manual_seed(options.Seed);
            var model = new VpdRefer(config);
            model.eval();
            return prepare(model);
        }
        using var a = Build(before.Prepare);
        using var b = Build(after.Prepare);
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var image = rand([1, 3, size, size]).mul_(2).sub_(1);
        var text = randn([options.Sentences, config.TokenLength, config.TokenEmbedDim]);
        var latents = a.EncodeLatents(image).to(ScalarType.Float32);
        var stages = new (string Name, Func<VpdRefer, Tensor> Run)[]
        {
            (ModelBenchmark.VaeStage, m => m.EncodeLatents(image)),
            (UnetHeadStage, m => m.ForwardLatents(latents, text).Logits),
        };
        var results = new List<PairedTiming>();
        foreach (var (name, run) in stages)
        {
            var timesA = new List<double>();
            var timesB = new List<double>();
            for (var i = 0; i < options.Warmup + options.Runs; i++)
            {
                foreach (var (model, times, label) in new[] { (a, timesA, before.Label), (b, timesB, after.Label) })
                {
                    using var inner = NewDisposeScope();
                    var watch = Stopwatch.StartNew();
                    run(model);
                    watch.Stop();
                    if (i >= options.Warmup)
                    {
                        times.Add(watch.Elapsed.TotalMilliseconds);
                    }
                    log($"{name} {label} {(i < options.Warmup ? "warm-up" : "run")} {i + 1}: {watch.Elapsed.TotalMilliseconds:F0} ms");
                }
            }
            results.Add(new PairedTiming(name, before.Label, timesA, after.Label, timesB));
        }
        return results;
    }
}
