using System.CommandLine;
using System.Reflection;
using Vpd.Cli.Common;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Enqueue;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd enqueue</c>: starts (or resumes) a run over a dataset split: uploads inputs and the model,
/// writes the manifest, and queues one message per referred object that has no result yet.
/// </summary>
public static class EnqueueCommand
{
    public static Command Create()
    {
        var data = CommonOptions.Data();
        var dataset = CommonOptions.Dataset();
        var split = CommonOptions.Split();
        var run = CommonOptions.Run();
        var model = CommonOptions.Model();
        var noiseStep = CommonOptions.NoiseStep();
        var noiseSeed = CommonOptions.NoiseSeed();
        var limit = new Option<int?>("--limit") { Description = "Enqueue only the first N referred objects of the split" };
        var segmenter = CommonOptions.Segmenter();
        var imageSize = new Option<int>("--image-size")
        {
            Description = "With --segmenter threshold: the evaluation size S (a model run takes S from the model)",
            DefaultValueFactory = _ => 64,
        };
        var attention = new Option<string>("--attention")
        {
            Description = "Store the cross-attention maps of: none, all, every:K (every K-th object) or refs:ID,ID,... (for pictures)",
            DefaultValueFactory = _ => AttentionChoice.None,
        };
        var dtype = new Option<string>("--dtype") { Description = "float32 or bfloat16", DefaultValueFactory = _ => "float32" };
        dtype.AcceptOnlyFromAmong("float32", "bfloat16");
        var json = CommonOptions.Json();
        var command = new Command("enqueue", "Queue a dataset split for evaluation by the workers (a rerun enqueues only what has no result)")
        {
            data, dataset, split, run, model, noiseStep, noiseSeed, limit, segmenter, imageSize, dtype, attention, json,
        };
        var storage = StorageOptions.AddTo(command);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var io = parse.InvocationConfiguration;
            var asJson = parse.GetValue(json);
            var runId = Ids.Validate(parse.GetValue(run)!, "--run");
            var step = parse.GetValue(noiseStep);
            if (step is < 0 or > 999)
            {
                throw new ArgumentException($"--noise-step {step} must be within 0..999");
            }
            AttentionChoice.Parse(parse.GetValue(attention));
            await using var pipeline = await CliPipeline.OpenAsync(parse, storage, Microsoft.Extensions.Logging.LogLevel.Warning, cancellationToken);
            var modelSpec = parse.GetValue(model)!;
            var description = SegmenterChoice.Validate(parse.GetValue(segmenter)) == SegmenterChoice.Threshold
                ? ModelDescription.Threshold(PositiveSize(parse.GetValue(imageSize)))
                : await ModelDescription.OfModelAsync(modelSpec, pipeline.Storage, cancellationToken);
            var datasetId = Vpd.Core.Refer.ReferDatasetLayout.NormalizeId(parse.GetValue(dataset)!);
            var objects = DatasetObjects.Load(
                parse.GetValue(data)!.FullName, datasetId, parse.GetValue(split)!, description.ImageSize, parse.GetValue(limit));
            var request = new EnqueueRequest(
                runId,
                description.Settings(datasetId, parse.GetValue(split)!, step, parse.GetValue(noiseSeed), parse.GetValue(dtype)!, parse.GetValue(attention)!),
                description.Choice(modelSpec),
                objects,
                CodeVersion);
            // With --json the progress and summary go to standard error: standard output holds the JSON alone.
            var result = await ConsoleProgress.RunAsync(
                asJson ? io.Error : io.Output,
                progress => pipeline.Enqueuer.EnqueueAsync(
                    request, new SynchronousProgress<EnqueueProgress>(p => progress.Report(new StageProgress(p.Stage, p.Done, p.Total))),
                    cancellationToken),
                r => Summary(request, r));
            if (asJson)
            {
                io.Output.WriteLine(System.Text.Json.JsonSerializer.Serialize(result, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The product version recorded in manifests (assembly informational version).</summary>
    public static string CodeVersion { get; } =
        typeof(EnqueueCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static int PositiveSize(int size) =>
        size is > 0 and <= 4096 ? size : throw new ArgumentException($"--image-size {size} must be within 1..4096");

    private static string Summary(EnqueueRequest request, EnqueueResult r) =>
        $"run {request.Run}: {r.ObjectsEnqueued} objects ({r.SentencesEnqueued} sentences) enqueued, {r.ObjectsSkipped} already done " +
        $"({request.Objects.Sum(o => o.Sentences.Count)} sentences in {request.Objects.Count} objects); " +
        $"images {r.ImagesUploaded} uploaded / {r.ImagesSkipped} unchanged, truth {r.TruthUploaded} / {r.TruthSkipped}; " +
        $"model sha256:{r.ModelSha256}{(r.ManifestExisted ? "; resumed an existing run" : string.Empty)}";
}
