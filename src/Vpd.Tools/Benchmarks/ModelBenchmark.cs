using System.Diagnostics;
using TorchSharp;
using Vpd.Model.Clip;
using Vpd.Model.Config;
using Vpd.Model.Head;
using Vpd.Model.Nn;
using static TorchSharp.torch;
using Vpd.Model;

namespace Vpd.Tools.Benchmarks;

/// <summary>
/// Times VPD's inference stages on random weights: CLIP text encoder, VAE encoder, UNet (with VPD's
/// text adapter and attention store) and the head, each warmed up and then timed <see cref="ModelBenchmarkOptions.Runs"/>
/// times (median), next to this machine's large-matmul rate in float32 and bfloat16.
/// </summary>
public static class ModelBenchmark
{
    public const string ClipStage = "clip";
    public const string VaeStage = "vae_encoder";
    public const string UnetStage = "unet";
    public const string HeadStage = "head";

    /// <summary>
    /// Runs the benchmark. Sets libtorch's thread count when <see cref="ModelBenchmarkOptions.Threads"/> is
    /// positive (a process-wide setting, left as set). <paramref name="log"/> receives progress lines.
    /// </summary>
    public static ModelBenchmarkResult Run(ModelBenchmarkOptions options, Action<string>? log = null)
    {
        options.Validate();
        log ??= _ => { };
        if (options.Threads > 0)
        {
            set_num_threads(options.Threads);
        }
        var config = Configure(options);
        var dtype = options.DType;
        var tokens = config.TokenLength;
        var k = options.Sentences;
        var anchors = options.AnchorsPath is null ? null : PerfAnchors.Load(options.AnchorsPath);
        // The reference timed exactly SD v1.5 at 512 px with 40 tokens; other shapes have nothing to compare with.
        var comparable = anchors is not null && options.Preset == "sd15" && config.ImageSize == 512 && tokens == 40;
        PerfAnchor? Anchor(string name) => comparable && anchors!.TryGetValue(name, out var a) ? a : null;

        var matmuls = new List<MatmulRate>();
        if (options.MatmulSize > 0)
        {
            foreach (var type in new[] { ScalarType.Float32, ScalarType.BFloat16 })
            {
                matmuls.Add(MeasureMatmul(type, options.MatmulSize, options.Runs + 2));
                log($"matmul {type} {options.MatmulSize}: {matmuls[^1].GflopPerSecond:F0} GFLOP/s");
            }
        }

        manual_seed(options.Seed);
        var build = Stopwatch.StartNew();
        using var clip = RandomWeights.Prepare(new ClipTextModel(ClipTextConfig.VitL14), dtype);
        using var model = RandomWeights.Prepare(new VpdRefer(config), ScalarType.Float32);
        if (dtype == ScalarType.BFloat16)
        {
            model.ToBFloat16(options.Float32Part);
        }
        if (options.ChannelsLast)
        {
            model.ToChannelsLast();
        }
        build.Stop();
        log($"built random {options.Preset} models in {build.Elapsed.TotalSeconds:F1} s");

        using var scope = NewDisposeScope();
        var ids = randint(0, ClipTextConfig.VitL14.VocabSize, [k, tokens], dtype: ScalarType.Int64);
        var image = rand([1, 3, config.ImageSize, config.ImageSize]).mul_(2).sub_(1);
        // Random text embeddings of CLIP's scale feed the UNet, so its input does not depend on the random CLIP.
        var text = randn([k, tokens, config.TokenEmbedDim]).to(dtype);
        var timesteps = full(k, (long)config.Timestep, dtype: ScalarType.Int64);

        var stages = new List<StageTiming>();
        using var mode = inference_mode();

        stages.Add(Time(ClipStage, StageUnit.Sentence, k, MacCount.Clip(ClipTextConfig.VitL14, tokens) * k, Anchor(PerfAnchors.Clip), options, log,
            () => clip.forward(ids)));

        var latents = Stage(VaeStage, StageUnit.Image, 1, MacCount.VaeEncoder(config.Vae, config.ImageSize), Anchor(PerfAnchors.VaeEncoder), options, log,
            () => model.EncodeLatents(image), stages);

        var unetMacs = (MacCount.Unet(config.Unet, config.LatentSize, tokens, includeOut: false) + MacCount.TextAdapter(config.TokenEmbedDim, tokens)) * k;
        Tensor[]? features = null;
        stages.Add(Time(UnetStage, StageUnit.Sentence, k, unetMacs, Anchor(PerfAnchors.Unet), options, log, () =>
        {
            var z = MixedPrecision.As(latents, dtype).expand(k, -1, -1, -1);
            var output = model.Unet.forward(z, timesteps, MixedPrecision.As(model.AdaptText(text), dtype));
            // The features outlive this run's scope (the head stage reads them); everything else dies with it.
            foreach (var f in features ?? [])
            {
                f.Dispose();
            }
            features = output.Features.Select(f => f.alias().MoveToOuterDisposeScope()).ToArray();
            return features[0];
        }));

        var sides = features!.Select(f => (int)f.shape[2]).ToArray();
        var headMacs = MacCount.Head(config.NeckDim, sides) * k;
        stages.Add(Time(HeadStage, StageUnit.Sentence, k, headMacs, null, options, log,
            () => SimpleDecoding.ResizeBilinear(model.Classifier.forward(features!), config.ImageSize, config.ImageSize)));

        var peak = ProcessMemory.PeakResidentBytes();
        BFloat16AgreementResult? agreement = null;
        if (dtype == ScalarType.BFloat16 && options.GoldenCasePath is { } golden)
        {
            agreement = BFloat16Agreement.Measure(golden, options.Float32Part);
            log($"golden case bfloat16/float32 mask agreement: {agreement.MaskAgreement:P2}");
        }
        return new ModelBenchmarkResult(
            options, config.ImageSize, tokens, get_num_threads(), stages, matmuls, Anchor(PerfAnchors.VpdForward),
            build.Elapsed.TotalSeconds, peak, agreement);
    }

    /// <summary>The preset's config at the options' image size (shared with <see cref="PairedComparison"/>).</summary>
    internal static VpdReferConfig Configure(ModelBenchmarkOptions options)
    {
        var preset = options.Preset == "sd15" ? VpdReferConfig.Sd15 : VpdReferConfig.Tiny;
        var size = options.Size ?? preset.ImageSize;
        var config = preset with { ImageSize = size, BaseSize = size };
        config.Validate($"preset {options.Preset} at size {size}");
        return config;
    }

    /// <summary>Times a stage and keeps the output of its last run (moved to the caller's scope).</summary>
    private static Tensor Stage(
        string name, StageUnit unit, int batch, double macs, PerfAnchor? reference, ModelBenchmarkOptions options, Action<string> log,
        Func<Tensor> run, List<StageTiming> stages)
    {
        Tensor? last = null;
        stages.Add(Time(name, unit, batch, macs, reference, options, log, () =>
        {
            last?.Dispose();
            last = run();
            return last;
        }, keepOutput: true));
        return last!;
    }

    private static StageTiming Time(
        string name, StageUnit unit, int batch, double macs, PerfAnchor? reference, ModelBenchmarkOptions options, Action<string> log,
        Func<Tensor> run, bool keepOutput = false)
    {
        var finite = true;
        var runs = new List<double>();
        for (var i = 0; i < options.Warmup + options.Runs; i++)
        {
            using var scope = NewDisposeScope();
            var watch = Stopwatch.StartNew();
            var output = run();
            watch.Stop();
            finite &= isfinite(output).all().item<bool>();
            if (keepOutput)
            {
                output.MoveToOuterDisposeScope();
            }
            if (i >= options.Warmup)
            {
                runs.Add(watch.Elapsed.TotalMilliseconds);
            }
            log($"{name} {(i < options.Warmup ? "warm-up" : "run")} {i + 1}: {watch.Elapsed.TotalMilliseconds:F0} ms");
        }
        return new StageTiming(name, unit, batch, runs, macs / 1e9, reference, finite);
    }

    private static MatmulRate MeasureMatmul(ScalarType dtype, int size, int runs)
    {
        using var scope = NewDisposeScope();
        using var mode = inference_mode();
        var a = randn([size, size]).to(dtype);
        var b = randn([size, size]).to(dtype);
        matmul(a, b).Dispose();
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            matmul(a, b).Dispose();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return new MatmulRate(dtype, size, StageTiming.Median(times));
    }
}
