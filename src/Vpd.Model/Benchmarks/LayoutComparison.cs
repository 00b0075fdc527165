using System.Diagnostics;
using TorchSharp;
using Vpd.Model.Config;
using Vpd.Model.Nn;
using static TorchSharp.torch;

namespace Vpd.Model.Benchmarks;

/// <summary>One stage's interleaved timings in the default (NCHW) and the channels-last layout.</summary>
public sealed record LayoutTiming(string Stage, IReadOnlyList<double> NchwMs, IReadOnlyList<double> ChannelsLastMs)
{
    /// <summary>Median NCHW time over median channels-last time (above 1: channels-last is faster).</summary>
    public double Speedup => StageTiming.Median(NchwMs) / StageTiming.Median(ChannelsLastMs);
}

/// <summary>
/// Before/after measurement of <see cref="ChannelsLast"/> that survives a shared machine: two models with the
/// same random weights, one per layout, timed alternately stage by stage (A, B, A, B, ...), so that load
/// changes hit both layouts alike.
/// </summary>
public static class LayoutComparison
{
    public static IReadOnlyList<LayoutTiming> Run(ModelBenchmarkOptions options, Action<string>? log = null)
    {
        options.Validate();
        if (options.DType != ScalarType.Float32)
        {
            throw new ArgumentException("the layout comparison runs in float32 only: bfloat16 models are always channels-last (see ConvolutionCheck)");
        }
        log ??= _ => { };
        if (options.Threads > 0)
        {
            set_num_threads(options.Threads);
        }
        var preset = options.Preset == "sd15" ? VpdReferConfig.Sd15 : VpdReferConfig.Tiny;
        var size = options.Size ?? preset.ImageSize;
        var config = preset with { ImageSize = size, BaseSize = size };
        VpdRefer Build()
        {
            manual_seed(options.Seed);
            var model = new VpdRefer(config);
            model.eval();
            return model;
        }
        using var nchw = Build();
        using var channelsLast = Build().ToChannelsLast();
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var image = rand([1, 3, size, size]).mul_(2).sub_(1);
        var text = randn([options.Sentences, config.TokenLength, config.TokenEmbedDim]);
        var latents = nchw.EncodeLatents(image);
        var stages = new (string Name, Func<VpdRefer, Tensor> Run)[]
        {
            (ModelBenchmark.VaeStage, m => m.EncodeLatents(image)),
            (ModelBenchmark.UnetStage, m => m.ForwardLatents(latents, text).Logits),
        };
        var results = new List<LayoutTiming>();
        foreach (var (name, run) in stages)
        {
            var a = new List<double>();
            var b = new List<double>();
            for (var i = 0; i < options.Warmup + options.Runs; i++)
            {
                foreach (var (model, times, label) in new[] { (nchw, a, "nchw"), (channelsLast, b, "channels-last") })
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
            results.Add(new LayoutTiming(name, a, b));
        }
        return results;
    }
}
