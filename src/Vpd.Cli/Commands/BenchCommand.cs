using System.CommandLine;
using Vpd.Cli.Common;
using Vpd.Tools.Benchmarks;
using Vpd.Model.Nn;
using static TorchSharp.torch;

namespace Vpd.Cli.Commands;

/// <summary><c>vpd bench</c>: performance measurements; <c>vpd bench model</c> times the model's stages on random weights.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure performance on this machine");
        bench.Subcommands.Add(CreateModel());
        bench.Subcommands.Add(CreateLayout());
        bench.Subcommands.Add(CreateDType());
        bench.Subcommands.Add(BenchPipelineCommand.Create());
        bench.Subcommands.Add(BenchDecodeCommand.Create());
        return bench;
    }

    // The model and layout benchmarks build the same random model: preset, size, dtype, threads.
    private static ModelShape ModelShapeOptions()
    {
        var preset = new Option<string>("--preset") { Description = "Model preset: sd15 or tiny", DefaultValueFactory = _ => "sd15" };
        preset.AcceptOnlyFromAmong("sd15", "tiny");
        var size = new Option<int?>("--size") { Description = "Image side in pixels (multiple of 64; default: the preset's, 512 or 128)" };
        var dtype = new Option<string>("--dtype") { Description = "float32 or bfloat16", DefaultValueFactory = _ => "float32" };
        dtype.AcceptOnlyFromAmong("float32", "bfloat16");
        var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads (0: libtorch's default)", DefaultValueFactory = _ => 0 };
        return new ModelShape(preset, size, dtype, threads);
    }

    private sealed record ModelShape(Option<string> Preset, Option<int?> Size, Option<string> DType, Option<int> Threads)
    {
        public void Deconstruct(out Option<string> preset, out Option<int?> size, out Option<string> dtype, out Option<int> threads) =>
            (preset, size, dtype, threads) = (Preset, Size, DType, Threads);

        /// <summary>The benchmark options these four options set; the caller adds the rest with <c>with</c>.</summary>
        public ModelBenchmarkOptions Read(ParseResult parse) => new()
        {
            Preset = parse.GetValue(Preset)!,
            Size = parse.GetValue(Size),
            DType = parse.GetValue(DType) == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32,
            Threads = parse.GetValue(Threads),
        };
    }

    private static Command CreateModel()
    {
        var shape = ModelShapeOptions();
        var (preset, size, dtype, threads) = shape;
        var sentences = new Option<int>("--sentences") { Description = "Sentences per image (batch of CLIP, UNet and head)", DefaultValueFactory = _ => 1 };
        var runs = new Option<int>("--runs") { Description = "Timed runs per stage (median reported)", DefaultValueFactory = _ => 3 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs per stage first", DefaultValueFactory = _ => 1 };
        var matmulSize = new Option<int>("--matmul-size") { Description = "Side of the matmul measuring the machine's rate (0 skips)", DefaultValueFactory = _ => 2048 };
        var anchors = new Option<FileInfo?>("--anchors")
        {
            Description = "Reference timings (perf_anchors.json); default: $VPD_GOLDEN_DIR/perf_anchors.json when that exists",
        };
        var layout = new Option<string>("--layout")
        {
            Description = "Conv layout: channels-last (the fast one here) or nchw (libtorch's default)",
            DefaultValueFactory = _ => "channels-last",
        };
        layout.AcceptOnlyFromAmong("channels-last", "nchw");
        var float32Part = Float32PartOption();
        var goldenCase = new Option<FileInfo?>("--golden-case")
        {
            Description = "With bfloat16: VPD golden case whose bf16-vs-fp32 mask agreement to print; default: $VPD_GOLDEN_DIR/vpd_refer_tiny.safetensors when that exists",
        };
        var quiet = new Option<bool>("--quiet") { Description = "No per-run progress lines" };

        var command = new Command("model", "Time CLIP, VAE encoder, UNet and head on random weights; print ms, GFLOP/s and peak memory");
        foreach (var option in new Option[] { preset, size, dtype, threads, sentences, runs, warmup, matmulSize, anchors, layout, float32Part, goldenCase, quiet })
        {
            command.Options.Add(option);
        }
        command.SetGuardedAction((parse, _) =>
        {
            var options = shape.Read(parse) with
            {
                Sentences = parse.GetValue(sentences),
                Runs = parse.GetValue(runs),
                Warmup = parse.GetValue(warmup),
                MatmulSize = parse.GetValue(matmulSize),
                AnchorsPath = parse.GetValue(anchors)?.FullName ?? GoldenFile("perf_anchors.json"),
                ChannelsLast = parse.GetValue(layout) == "channels-last",
                Float32Part = ReadFloat32Part(parse, float32Part),
                GoldenCasePath = parse.GetValue(goldenCase)?.FullName ?? GoldenFile("vpd_refer_tiny.safetensors"),
            };
            Action<string>? log = parse.GetValue(quiet) ? null : line => parse.InvocationConfiguration.Error.WriteLine(line);
            var result = ModelBenchmark.Run(options, log);
            BenchReport.Print(result, parse.InvocationConfiguration.Output);
            return Task.FromResult(result.Stages.All(s => s.Finite) ? ExitCodes.Ok : ExitCodes.CheckFailed);
        });
        return command;
    }

    private static Command CreateLayout()
    {
        var shape = ModelShapeOptions();
        var (preset, size, dtype, threads) = shape;
        var runs = new Option<int>("--runs") { Description = "Timed rounds (each times both layouts)", DefaultValueFactory = _ => 3 };
        var command = new Command("layout", "Time the VAE encoder and the UNet + head in NCHW and channels-last, interleaved (float32; before/after on a shared machine)");
        foreach (var option in new Option[] { preset, size, dtype, threads, runs })
        {
            command.Options.Add(option);
        }
        command.SetGuardedAction((parse, _) =>
        {
            var options = shape.Read(parse) with { Runs = parse.GetValue(runs) };
            PrintPaired(PairedComparison.Layouts(options, line => parse.InvocationConfiguration.Error.WriteLine(line)), parse.InvocationConfiguration.Output);
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command CreateDType()
    {
        var shape = ModelShapeOptions();
        var (preset, size, _, threads) = shape;
        var runs = new Option<int>("--runs") { Description = "Timed rounds (each times both dtypes)", DefaultValueFactory = _ => 3 };
        var sentences = new Option<int>("--sentences") { Description = "Sentences per image in the UNet + head batch", DefaultValueFactory = _ => 1 };
        var float32Part = Float32PartOption();
        var command = new Command("dtype", "Time the VAE encoder and the UNet + head in float32 and bfloat16, interleaved (the speed-up on a noisy machine)");
        foreach (var option in new Option[] { preset, size, threads, runs, sentences, float32Part })
        {
            command.Options.Add(option);
        }
        command.SetGuardedAction((parse, _) =>
        {
            var options = shape.Read(parse) with
            {
                Runs = parse.GetValue(runs),
                Sentences = parse.GetValue(sentences),
                Float32Part = ReadFloat32Part(parse, float32Part),
            };
            PrintPaired(PairedComparison.DTypes(options, line => parse.InvocationConfiguration.Error.WriteLine(line)), parse.InvocationConfiguration.Output);
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static void PrintPaired(IReadOnlyList<PairedTiming> timings, TextWriter output)
    {
        string F(double value, string format) => value.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
        string Ms(IReadOnlyList<double> values) => string.Join(", ", values.Select(v => F(v, "F0")));
        foreach (var timing in timings)
        {
            output.WriteLine(
                $"{timing.Stage}: {timing.BeforeLabel} [{Ms(timing.BeforeMs)}] ms, {timing.AfterLabel} [{Ms(timing.AfterMs)}] ms, median speed-up {F(timing.Speedup, "F2")}x");
        }
        var before = timings.Sum(t => t.BeforeMedianMs);
        var after = timings.Sum(t => t.AfterMedianMs);
        output.WriteLine($"whole forward (sum of medians): {F(before, "F0")} ms -> {F(after, "F0")} ms, speed-up {F(before / after, "F2")}x");
    }

    private static Option<string> Float32PartOption()
    {
        var option = new Option<string>("--float32-part")
        {
            Description = "With bfloat16: the part kept float32 -- vae-first-level-norms (the product's bfloat16 mode: the VAE's full-resolution stem, norms and residual sums), vae-first-level (that level's convolutions too), vae, or none",
            DefaultValueFactory = _ => "vae-first-level-norms",
        };
        option.AcceptOnlyFromAmong("vae-first-level", "vae-first-level-norms", "vae", "none");
        return option;
    }

    private static Float32Part ReadFloat32Part(ParseResult parse, Option<string> option) => parse.GetValue(option) switch
    {
        "vae" => Float32Part.Vae,
        "vae-first-level" => Float32Part.VaeFirstLevel,
        "none" => Float32Part.None,
        _ => Float32Part.VaeFirstLevelNorms,
    };

    private static string? GoldenFile(string name)
    {
        var golden = Environment.GetEnvironmentVariable("VPD_GOLDEN_DIR");
        var path = golden is null ? null : Path.Combine(golden, name);
        return path is not null && File.Exists(path) ? path : null;
    }
}
