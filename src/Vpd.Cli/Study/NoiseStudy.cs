using System.Diagnostics;
using System.Globalization;
using Vpd.Cli.Commands;
using Vpd.Cli.Common;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Enqueue;
using Vpd.Pipeline.Reports;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.Reports.Figures;
using Vpd.Reports.Report;
using Vpd.Tools.Training;

namespace Vpd.Cli.Study;

/// <summary>
/// The seed report's experiment, end to end: for each noise step T (and seed), a fresh head trained on the frozen
/// backbone with noise at step T, then every head evaluated through the queue pipeline on the validation split and on
/// its training objects, then the Table 1 layout with a train-val gap, the report and the figures across T. All state
/// is in one folder: an interrupted study continues where it stopped (training resumes from its last state; the
/// evaluation reruns only sentences without a result).
/// </summary>
public sealed class NoiseStudy(NoiseStudyPlan plan, string folder, string dataRoot, TextWriter output)
{
    public const string PlanFile = "study.json";
    public const string ResultsFile = "results.json";
    public const string TableFile = "table.txt";

    public string Folder => folder;

    /// <summary>Writes the plan, or checks it against the one a resumed study's folder holds.</summary>
    /// <exception cref="ArgumentException">The folder holds another study.</exception>
    public void Prepare()
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, PlanFile);
        if (File.Exists(path))
        {
            var existing = NoiseStudyPlan.Parse(File.ReadAllBytes(path), path);
            if (!existing.SameAs(plan))
            {
                throw new ArgumentException(
                    $"{folder} holds another study ({path}): resume it with the same options, or choose another --state folder");
            }
            output.WriteLine($"study {plan.Name}: resuming from {folder}");
            return;
        }
        File.WriteAllBytes(path, plan.ToUtf8Json());
    }

    /// <summary>Trains every head that is not trained yet (or resumes its training); returns each head's training minutes.</summary>
    public IReadOnlyDictionary<StudyHead, double> Train(IProgress<TrainingEvent>? progress, CancellationToken cancellationToken)
    {
        var minutes = new Dictionary<StudyHead, double>();
        foreach (var head in plan.Heads)
        {
            var outDir = TrainingFolder(head);
            var statePath = TrainingState.StatePath(outDir);
            var state = File.Exists(statePath) ? TrainingState.Read(outDir) : null;
            if (state is null || state.EpochsDone < plan.Recipe.Epochs)
            {
                output.WriteLine($"study {plan.Name}: training the head for T = {head.NoiseStep}, seed {head.Seed}" + (state is null ? string.Empty : " (resumed)"));
                var result = Trainer.Run(Options(head, resume: state is not null), progress, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                if (!result.Completed)
                {
                    throw new InvalidOperationException($"training of {head.Name} stopped after {result.EpochsDone} of {plan.Recipe.Epochs} epochs");
                }
                state = TrainingState.Read(outDir);
            }
            minutes[head] = state.ElapsedMinutes;
        }
        return minutes;
    }

    /// <summary>Enqueues every head's evaluation runs (a rerun queues only sentences without a result); returns the run ids.</summary>
    public async Task<IReadOnlyList<string>> EnqueueAsync(CliPipeline pipeline, CancellationToken cancellationToken)
    {
        var runs = new List<string>();
        foreach (var head in plan.Heads)
        {
            var model = TrainedModel(head);
            var description = await ModelDescription.OfModelAsync(model, pipeline.Storage, cancellationToken);
            var evaluation = plan.Evaluation;
            var valRun = plan.RunId(head, "val");
            var valObjects = DatasetObjects.Load(dataRoot, plan.Dataset, evaluation.ValSplit, description.ImageSize, evaluation.ValLimit);
            await EnqueueOneAsync(pipeline, new EnqueueRequest(
                valRun, description.Settings(plan.Dataset, evaluation.ValSplit, head.NoiseStep, plan.NoiseSeed, attention: evaluation.Attention),
                description.Choice(model), valObjects, EnqueueCommand.CodeVersion, FirstAggregateDelay: TimeSpan.Zero), cancellationToken);
            runs.Add(valRun);
            if (evaluation.TrainLimit > 0)
            {
                var trainRun = plan.RunId(head, "train");
                var trainObjects = DatasetObjects.Load(
                    dataRoot, plan.Dataset, plan.TrainSplit, description.ImageSize, evaluation.TrainLimit, (plan.Recipe.Subset, plan.Recipe.SubsetSeed));
                await EnqueueOneAsync(pipeline, new EnqueueRequest(
                    trainRun, description.Settings(plan.Dataset, plan.TrainSplit, head.NoiseStep, plan.NoiseSeed),
                    description.Choice(model), trainObjects, EnqueueCommand.CodeVersion, FirstAggregateDelay: TimeSpan.Zero), cancellationToken);
                runs.Add(trainRun);
            }
        }
        return runs;
    }

    /// <summary>Works every run to its end in one worker session, then writes the table, results.json, the report and the figures.</summary>
    public async Task<NoiseStudyResults> EvaluateAsync(
        CliPipeline pipeline, ModelSegmenterFactory models, IReadOnlyDictionary<StudyHead, double> trainingMinutes,
        IProgress<SentenceCounts>? progress, CancellationToken cancellationToken)
    {
        var runs = await EnqueueAsync(pipeline, cancellationToken);
        var clock = Stopwatch.StartNew();
        var metrics = await RunWorkers.UntilRunsEndAsync(pipeline, runs, progress, cancellationToken);
        var minutes = clock.Elapsed.TotalMinutes;
        var rows = plan.Heads.Select(head => new StudyRow(
            head,
            metrics[plan.RunId(head, "val")],
            plan.Evaluation.TrainLimit > 0 ? metrics[plan.RunId(head, "train")] : null,
            trainingMinutes[head])).ToList();
        var (hits, misses) = models.SharedLatentCounts;
        var results = new NoiseStudyResults(plan, rows, minutes, hits, misses);
        await File.WriteAllBytesAsync(Path.Combine(folder, ResultsFile), results.ToUtf8Json(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, TableFile), results.Table(), cancellationToken);
        await WritePicturesAsync(pipeline, cancellationToken);
        return results;
    }

    /// <summary>The report of the validation runs across T (each step's first seed) and the figures across T.</summary>
    private async Task WritePicturesAsync(CliPipeline pipeline, CancellationToken cancellationToken)
    {
        var firstSeed = plan.Steps.Select(step => plan.Heads.First(h => h.NoiseStep == step)).ToList();
        var labelled = firstSeed.Select(h => (plan.RunId(h, "val"), (string?)$"T = {h.NoiseStep.ToString(CultureInfo.InvariantCulture)}")).ToList();
        var html = await pipeline.Get<ReportWriter>().RenderAsync(
            labelled, ReportOptions.Default with { Title = $"Noise-step study {plan.Name}: validation runs across T" }, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "report.html"), html, cancellationToken);

        var pictures = pipeline.Get<RunPictures>();
        var runs = await RunFigures.LoadAsync(pictures, [.. labelled.Select(l => l.Item1)], [.. labelled.Select(l => l.Item2!)], cancellationToken);
        var figures = Directory.CreateDirectory(Path.Combine(folder, "figures")).FullName;
        await File.WriteAllBytesAsync(
            Path.Combine(figures, "overlays-across-t.png"),
            await RunFigures.OverlaysAsync(pictures, runs, "median", 6, 3, cancellationToken), cancellationToken);
        // A sentence whose maps every run stored (the attention choice picks the same objects in each run).
        var withMaps = runs[0].Rows.FirstOrDefault(r => r.HasAttention && runs.All(run => run.Rows.Any(o => o.Key == r.Key && o.HasAttention)));
        if (withMaps is not null)
        {
            await File.WriteAllBytesAsync(
                Path.Combine(figures, "attention-across-t.png"),
                await RunFigures.AttentionAsync(pipeline, pictures, runs, withMaps.Key, null, AttentionFigureOptions.Default, cancellationToken),
                cancellationToken);
        }
    }

    private string TrainingFolder(StudyHead head) => Path.Combine(folder, "train", head.Name);

    /// <summary>The head's trained model file (backbone with the head), once its training is complete.</summary>
    public string TrainedModel(StudyHead head) => Path.Combine(TrainingFolder(head), TrainingState.ModelFileName);

    private TrainingOptions Options(StudyHead head, bool resume) => new()
    {
        DataRoot = dataRoot,
        DatasetId = plan.Dataset,
        Split = plan.TrainSplit,
        Init = plan.Backbone,
        OutDir = TrainingFolder(head),
        Trainable = TrainableParts.Head,
        NoiseStep = head.NoiseStep,
        Epochs = plan.Recipe.Epochs,
        BatchSize = plan.Recipe.BatchSize,
        LearningRate = plan.Recipe.LearningRate,
        WeightDecay = plan.Recipe.WeightDecay,
        TextAdapter = false,
        FreshHead = true,
        Seed = head.Seed,
        TrainSubset = plan.Recipe.Subset,
        SubsetSeed = plan.Recipe.SubsetSeed,
        Resume = resume,
    };

    private static async Task EnqueueOneAsync(CliPipeline pipeline, EnqueueRequest request, CancellationToken cancellationToken) =>
        await pipeline.Enqueuer.EnqueueAsync(request, null, cancellationToken);
}
