using System.CommandLine;
using System.Diagnostics;
using Vpd.Cli.Common;
using Vpd.Core.Metrics;
using Vpd.Core.Refer;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Evaluation;
using Vpd.Model.Inference;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd eval</c>: evaluates a model file on a split in this process, batched like the queue pipeline
/// (one referred object with all its sentences per forward), and prints oIoU, mIoU and P@0.5..0.9.
/// Optionally the text-blind baselines and the shuffled-sentence control, which show how much of the
/// score comes from reading the sentence.
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Data root holding the dataset folders and images/mscoco/images/train2014", Required = true };
        var dataset = new Option<string>("--dataset") { Description = "Dataset id: refcoco, refcocoplus (or refcoco+), refcocog-umd, refcocog-google, refshapes", DefaultValueFactory = _ => "refshapes" };
        var split = new Option<string>("--split") { Description = "Split to evaluate", DefaultValueFactory = _ => "val" };
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "A VPD model file (vpd convert / vpd train)", Required = true };
        var noiseStep = new Option<int>("--noise-step") { Description = "Diffusion noise step T in 0..999 added to the image latents (0: none)", DefaultValueFactory = _ => 0 };
        var noiseSeed = new Option<long>("--noise-seed") { Description = "Seed of the per-image noise (hashed with the image id)", DefaultValueFactory = _ => 0 };
        var limit = new Option<int?>("--limit") { Description = "Evaluate only the first N referred objects of the split" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string>("--dtype") { Description = "float32 or bfloat16", DefaultValueFactory = _ => "float32" };
        var baselines = new Option<bool>("--baselines") { Description = "Also score the text-blind baselines: the largest object, the union of all objects of the image" };
        var shuffle = new Option<bool>("--shuffle-sentences") { Description = "Also run the control: each object segmented from the sentences of another object of its image" };
        var threads = new Option<int?>("--threads") { Description = "CPU threads libtorch may use (default: libtorch's choice)" };
        var json = new Option<bool>("--json") { Description = "Machine-readable JSON output (fractions, not percent)" };
        var command = new Command("eval", "Evaluate a model file on a split in-process: oIoU, mIoU, P@0.5..0.9")
        {
            data, dataset, split, checkpoint, noiseStep, noiseSeed, limit, device, dtype, baselines, shuffle, threads, json,
        };
        command.SetGuardedAction((parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            TorchThreads.Apply(parse.GetValue(threads));
            var referData = ReferDataset.Load(parse.GetValue(data)!.FullName, parse.GetValue(dataset)!);
            var splitName = parse.GetValue(split)!;
            var modelFile = parse.GetValue(checkpoint)!.FullName;
            var options = SegmenterOptions.Parse(parse.GetValue(device)!, parse.GetValue(dtype)!, parse.GetValue(noiseStep), parse.GetValue(noiseSeed));
            var evaluation = new EvaluationOptions(parse.GetValue(limit));
            evaluation.Validate();
            _ = referData.Refs(splitName); // fails naming the split before the model loads

            using var segmenter = ObjectSegmenter.Load(modelFile, options);
            var rows = new List<EvalRow>();
            var report = SplitEvaluator.Run(referData, splitName, segmenter, evaluation, Progress(error, "model"), cancellationToken);
            rows.Add(new EvalRow("model", report.Metrics, report.Elapsed));
            if (parse.GetValue(shuffle))
            {
                var control = SplitEvaluator.Run(
                    referData, splitName, segmenter, evaluation with { ShuffleSentences = true }, Progress(error, "shuffled"), cancellationToken);
                rows.Add(new EvalRow($"shuffled sentences ({control.SkippedObjects} objects alone in their image skipped)", control.Metrics, control.Elapsed));
            }
            if (parse.GetValue(baselines))
            {
                var clock = Stopwatch.StartNew();
                var blind = TextBlindBaselines.Run(referData, splitName, segmenter.ImageSize, evaluation.Limit, cancellationToken);
                rows.Add(new EvalRow("largest object (text-blind)", blind.LargestObject, clock.Elapsed));
                rows.Add(new EvalRow("union of objects (text-blind)", blind.UnionOfObjects, clock.Elapsed));
            }
            var header = new EvalHeader(
                referData.Layout.Id, splitName, modelFile, VpdModelFile.Sha256(modelFile), options.NoiseStep, options.NoiseSeed,
                parse.GetValue(device)!, parse.GetValue(dtype)!, segmenter.ImageSize);
            output.Write(parse.GetValue(json) ? EvalTable.Json(header, rows) : EvalTable.Text(header, rows));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    /// <summary>Plain progress lines on stderr, at most one every ten seconds.</summary>
    private static IProgress<EvaluationProgress> Progress(TextWriter error, string what)
    {
        var last = Stopwatch.StartNew();
        return new LineProgress<EvaluationProgress>(p =>
        {
            if (last.Elapsed.TotalSeconds >= 10 || p.ObjectsDone == p.ObjectsTotal)
            {
                last.Restart();
                error.WriteLine($"{what}: {p.ObjectsDone}/{p.ObjectsTotal} objects, {p.SentencesDone} sentences, {p.Elapsed:hh\\:mm\\:ss}");
            }
        });
    }
}

/// <summary>One line of the eval table.</summary>
internal sealed record EvalRow(string Name, IouAccumulator Metrics, TimeSpan Elapsed);

/// <summary>What was evaluated.</summary>
internal sealed record EvalHeader(
    string Dataset, string Split, string Checkpoint, string Sha256, int NoiseStep, long NoiseSeed, string Device, string DType, int ImageSize);

/// <summary>IProgress that reports on the caller's thread, so lines come out in order.</summary>
internal sealed class LineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
