using System.CommandLine;
using System.Globalization;
using Vpd.Cli.Common;
using Vpd.Core.Contracts;
using Vpd.Core.Refer;
using Vpd.Core.Synthetic;
using Vpd.Tools.Training;
using Vpd.Pipeline.Enqueue;
using Vpd.Pipeline.Hosting;
using Vpd.Pipeline.Reports;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd demo</c>: the whole local pipeline on a fresh machine: Azurite (started over a data folder in the user's
/// cache when none is running, stopped at the end, its data kept), the RefShapes dataset (generated once into a cache
/// folder), the trained Tiny model, the val split enqueued, local workers until the run completes, then the metrics,
/// where the masks are, and the run's HTML report and an overlay grid written to a local folder.
/// </summary>
public static class DemoCommand
{
    /// <summary>The trained Tiny checkpoint's place in the repository.</summary>
    public static readonly string[] RepoModelPath = ["models", "tiny-refshapes.safetensors"];

    public static Command Create()
    {
        var data = new Option<DirectoryInfo?>("--data") { Description = "Data root for RefShapes (default: a folder under the user's cache)" };
        var model = new Option<string?>("--model")
        {
            Description = $"Model file or sha256:<hex> (default: {Path.Combine(RepoModelPath)} in the repository)",
        };
        var segmenter = CommonOptions.Segmenter();
        var workers = CommonOptions.Workers();
        var limit = new Option<int?>("--limit") { Description = "Evaluate only the first N referred objects of the val split" };
        var noiseStep = CommonOptions.NoiseStep();
        var noiseSeed = CommonOptions.NoiseSeed();
        var logLevel = CommonOptions.LogLevel(Microsoft.Extensions.Logging.LogLevel.Warning);
        var outDir = new Option<DirectoryInfo?>("--out") { Description = "Folder for the report and overlay grid (default: the user's cache, vpd/reports/RUN)" };
        var trainMinutes = new Option<double>("--train-minutes")
        {
            Description = "When no trained model exists: train the Tiny model on RefShapes for this many minutes first",
            DefaultValueFactory = _ => 20,
        };
        var command = new Command("demo", "Run the whole pipeline locally on RefShapes and print the metrics")
        {
            data, model, segmenter, workers, limit, noiseStep, noiseSeed, logLevel, outDir, trainMinutes,
        };
        var storage = StorageOptions.AddTo(command);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var io = parse.InvocationConfiguration;
            var output = io.Output;
            var useThreshold = SegmenterChoice.Validate(parse.GetValue(segmenter)) == SegmenterChoice.Threshold;
            string? modelSpec = parse.GetValue(model);
            if (!useThreshold)
            {
                modelSpec ??= FindRepoModel();
            }

            var dataRoot = parse.GetValue(data)?.FullName ?? DefaultDataRoot();
            EnsureRefShapes(dataRoot, output);
            if (!useThreshold && modelSpec is null)
            {
                modelSpec = TrainTinyModel(dataRoot, parse.GetValue(trainMinutes), output, cancellationToken);
            }

            await using var azurite = await LocalAzurite.EnsureAsync(parse, storage, io.Error, StorageRetry.Service, cancellationToken);
            var host = WorkCommand.Host(device: null);
            HostDevice.EnsureAvailable(host);
            var options = new WorkerOptions { Concurrency = Math.Max(1, parse.GetValue(workers)) };
            using var pipeline = CliPipeline.Create(azurite.Storage, io.Error, parse.GetValue(logLevel), o =>
            {
                o.Host = host;
                o.Worker = options;
            });
            using var temp = new TempFolder("vpd-demo");
            var description = useThreshold
                ? ModelDescription.Threshold(new RefShapesOptions().ImageSize)
                : await ModelDescription.OfModelAsync(modelSpec!, pipeline.Storage, cancellationToken);
            if (useThreshold && modelSpec is null)
            {
                modelSpec = Path.Combine(temp.Path, "threshold.model");
                File.WriteAllText(modelSpec, "the threshold segmenter has no weights; this file only gives the run a model hash\n");
            }
            var run = $"demo-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
            var objects = DatasetObjects.Load(dataRoot, ReferDatasetLayout.RefShapes.Id, "val", description.ImageSize, parse.GetValue(limit));
            var request = new EnqueueRequest(
                run,
                description.Settings(ReferDatasetLayout.RefShapes.Id, "val", parse.GetValue(noiseStep), parse.GetValue(noiseSeed)),
                description.Choice(modelSpec!),
                objects,
                EnqueueCommand.CodeVersion);
            output.WriteLine($"storage: {azurite.Description}");
            await ConsoleProgress.RunAsync(
                output,
                progress => pipeline.Enqueuer.EnqueueAsync(request, new SynchronousProgress<EnqueueProgress>(p => progress.Report(new StageProgress(p.Stage, p.Done, p.Total))), cancellationToken),
                r => $"enqueued run {run}: {r.ObjectsEnqueued} objects, {r.SentencesEnqueued} sentences ({description.Kind})");

            var end = await ConsoleProgress.RunAsync(
                output,
                progress => RunWorkers.UntilRunEndsAsync(
                    pipeline, run,
                    new SynchronousProgress<SentenceCounts>(c => progress.Report(new StageProgress("sentences", c.Succeeded + c.Failed, c.Expected))),
                    cancellationToken),
                _ => RunWorkers.Summary(pipeline.Worker));

            var report = await RunReports.LoadAsync(pipeline.Storage, run, cancellationToken);
            output.Write(MetricsTable.Render([report]));
            output.WriteLine($"masks: {pipeline.Storage.Runs.MasksFolder(run)} ({{refId}}-{{sentence}}.png, {description.ImageSize}x{description.ImageSize}); " +
                             $"per-sentence results: table {pipeline.Storage.Samples.TableName}, partition {run}");

            // What a person opens: the run's report and an overlay grid, in a local folder.
            var folder = Path.Combine(parse.GetValue(outDir)?.FullName ?? Path.Combine(Path.GetDirectoryName(DefaultDataRoot())!, "reports"), run);
            Directory.CreateDirectory(folder);
            var reportPath = Path.Combine(folder, ReportCommand.FileName);
            await File.WriteAllTextAsync(reportPath, await pipeline.Get<ReportWriter>().RenderAsync([(run, null)], null, cancellationToken), cancellationToken);
            var overlaysPath = Path.Combine(folder, "overlays.png");
            await File.WriteAllBytesAsync(overlaysPath, await DemoFigures.OverlayGridAsync(pipeline, run, 8, cancellationToken), cancellationToken);
            output.WriteLine($"report: {reportPath} (also stored as {pipeline.Storage.Runs.ReportLocation(run)})");
            output.WriteLine($"overlays: {overlaysPath}");
            if (azurite.StartedHere)
            {
                output.WriteLine($"the run stays in {LocalAzurite.DataDirectory}: `vpd metrics --run {run}`, `vpd report --run {run} --out DIR` and " +
                                 "`vpd figure ...` read it later (they start Azurite over that folder when none is running)");
            }
            return end.Metrics?.State == RunState.Complete ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }

    /// <summary>
    /// Trains a Tiny model from random initialisation on RefShapes with the first stage of the recipe
    /// that produced the repository's checkpoint (README), for a bounded time, and returns its best model file.
    /// </summary>
    private static string TrainTinyModel(string dataRoot, double minutes, TextWriter output, CancellationToken cancellationToken)
    {
        if (!(minutes > 0))
        {
            throw new ArgumentException($"--train-minutes must be positive, got {minutes}");
        }
        var outDir = Path.Combine(Path.GetDirectoryName(dataRoot.TrimEnd(Path.DirectorySeparatorChar)) ?? dataRoot, "tiny-refshapes-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        output.WriteLine($"model: no trained model in the repository; training the Tiny model for up to {minutes} minutes into {outDir}");
        var options = new TrainingOptions
        {
            DataRoot = dataRoot, DatasetId = ReferDatasetLayout.RefShapes.Id, Init = TrainingOptions.TinyInit, OutDir = outDir,
            Trainable = TrainableParts.HeadAdapterUnet, Epochs = 8, BatchSize = 16, LearningRate = 1e-3, Seed = 1,
            ValSplit = "val", ValLimit = 300, MaxMinutes = minutes,
        };
        var result = Trainer.Run(options, new LineProgress<TrainingEvent>(e => TrainCommand.Print(output, e, 50)), cancellationToken);
        return result.BestModel ?? result.LastModel;
    }

    /// <summary><c>$XDG_CACHE_HOME/vpd/data</c>, else <c>~/.cache/vpd/data</c>.</summary>
    public static string DefaultDataRoot()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "vpd", "data");
    }

    /// <summary>Generates RefShapes (default options, the ones the Tiny model is trained on) unless it is there.</summary>
    private static void EnsureRefShapes(string dataRoot, TextWriter output)
    {
        var layout = ReferDatasetLayout.RefShapes;
        if (File.Exists(Path.Combine(dataRoot, layout.Folder, layout.RefsFileName)))
        {
            output.WriteLine($"dataset: RefShapes in {dataRoot}");
            return;
        }
        output.WriteLine($"dataset: generating RefShapes into {dataRoot} (once)");
        Directory.CreateDirectory(dataRoot);
        var written = RefShapesGenerator.Write(dataRoot, new RefShapesOptions());
        output.WriteLine($"dataset: {written.Images.Count} images written");
    }

    /// <summary>The repository's trained Tiny model, searched above the current folder and this program.</summary>
    private static string? FindRepoModel()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "VpdFunctions.sln")))
                {
                    var path = Path.Combine([dir.FullName, .. RepoModelPath]);
                    return File.Exists(path) ? path : null;
                }
            }
        }
        return null;
    }
}
