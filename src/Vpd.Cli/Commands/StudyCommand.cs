using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Vpd.Cli.Common;
using Vpd.Cli.Study;
using Vpd.Core.Contracts;
using Vpd.Core.Refer;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.Tools.Training;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd study noise</c>: the seed report's noise-step study as one command (<see cref="NoiseStudy"/>): a fresh head per
/// noise step T trained on a frozen backbone, every head evaluated through the queues on the validation split and on
/// its training objects, the Table 1 layout with a train-val gap, the report and the figures across T. Resumable.
/// </summary>
public static class StudyCommand
{
    public static Command Create()
    {
        var study = new Command("study", "Run an experiment end to end");
        study.Subcommands.Add(CreateNoise());
        return study;
    }

    private static Command CreateNoise()
    {
        var backbone = new Option<FileInfo>("--backbone") { Description = "The frozen model (a product model file) every head is trained on", Required = true };
        var data = CommonOptions.Data();
        var dataset = CommonOptions.Dataset();
        var state = new Option<DirectoryInfo>("--state") { Description = "The study's folder: plan, trained heads, results, report, figures (resumes what it holds)", Required = true };
        var name = new Option<string?>("--name") { Description = "Names the study's runs (default: the --state folder's name)" };
        var steps = new Option<string>("--steps") { Description = "Noise steps T, comma-separated", DefaultValueFactory = _ => "0,5,100,200,500" };
        var seeds = new Option<string>("--seeds") { Description = "Training seeds, comma-separated: the first for every step, all of them for --all-seeds-at", DefaultValueFactory = _ => "1" };
        var allSeedsAt = new Option<string?>("--all-seeds-at") { Description = "Steps trained with every seed of --seeds (seed variance), comma-separated" };
        var trainSplit = new Option<string>("--train-split") { Description = "Split the heads are trained on", DefaultValueFactory = _ => "train" };
        var subset = new Option<int>("--subset") { Description = "Objects of the training split drawn at random (the seed report's 5,000)", DefaultValueFactory = _ => 5000 };
        var subsetSeed = new Option<long>("--subset-seed") { Description = "Seed of the --subset draw, the same for every head", DefaultValueFactory = _ => 0 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per head (the seed report's 20)", DefaultValueFactory = _ => 20 };
        var batch = new Option<int>("--batch-size") { Description = "Batch size", DefaultValueFactory = _ => 8 };
        var lr = new Option<double>("--lr") { Description = "AdamW learning rate (VPD's 5e-5)", DefaultValueFactory = _ => 5e-5 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay", DefaultValueFactory = _ => 0.01 };
        var valSplit = new Option<string>("--val-split") { Description = "Split every head is evaluated on", DefaultValueFactory = _ => "val" };
        var valLimit = new Option<int?>("--val-limit") { Description = "Evaluate on the first N objects of --val-split (default: all)" };
        var trainEval = new Option<int>("--train-eval") { Description = "Also evaluate on the first N objects of the training subset, for the train-val gap (0: no)", DefaultValueFactory = _ => 500 };
        var attention = new Option<string>("--attention") { Description = "Attention maps the validation runs store, for the figures across T", DefaultValueFactory = _ => "every:20" };
        var noiseSeed = CommonOptions.NoiseSeed();
        var workers = CommonOptions.Workers();
        var threads = new Option<int?>("--threads") { Description = "libtorch threads for training and evaluation (default: libtorch's choice)" };
        var command = new Command("noise", "The seed report's noise-step study: a head per T on a frozen backbone, evaluated through the queues, the table, report and figures")
        {
            backbone, data, dataset, state, name, steps, seeds, allSeedsAt, trainSplit, subset, subsetSeed, epochs, batch, lr, weightDecay,
            valSplit, valLimit, trainEval, attention, noiseSeed, workers, threads,
        };
        var storage = StorageOptions.AddTo(command);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var io = parse.InvocationConfiguration;
            TorchThreads.Apply(parse.GetValue(threads));
            var folder = parse.GetValue(state)!.FullName;
            var model = parse.GetValue(backbone)!;
            if (!model.Exists)
            {
                throw new FileNotFoundException($"--backbone {model.FullName}: file not found", model.FullName);
            }
            var seedList = Numbers(parse.GetValue(seeds)!, "--seeds");
            var stepList = Numbers(parse.GetValue(steps)!, "--steps").Select(s => s is >= 0 and <= 999 ? (int)s : throw new ArgumentException($"--steps: {s} is not within 0..999")).ToList();
            var everySeed = parse.GetValue(allSeedsAt) is { } at ? Numbers(at, "--all-seeds-at").ToHashSet() : [];
            var heads = stepList.SelectMany(step => (everySeed.Contains(step) ? seedList : seedList.Take(1)).Select(seed => new StudyHead(step, seed))).ToList();
            if (heads.Distinct().Count() != heads.Count || stepList.Count == 0)
            {
                throw new ArgumentException("--steps must name each noise step once, and at least one");
            }
            AttentionChoice.Parse(parse.GetValue(attention));
            var plan = new NoiseStudyPlan
            {
                Name = Ids.Validate(parse.GetValue(name) ?? Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)), "--name"),
                Backbone = model.FullName,
                BackboneSha256 = await ModelStore.Sha256OfFileAsync(model.FullName, cancellationToken),
                Dataset = ReferDatasetLayout.NormalizeId(parse.GetValue(dataset)!),
                TrainSplit = Ids.Validate(parse.GetValue(trainSplit)!, "--train-split"),
                Heads = heads,
                Recipe = new HeadRecipe(
                    Positive(parse.GetValue(subset), "--subset"), parse.GetValue(subsetSeed), Positive(parse.GetValue(epochs), "--epochs"),
                    Positive(parse.GetValue(batch), "--batch-size"), parse.GetValue(lr), parse.GetValue(weightDecay)),
                Evaluation = new StudyEvaluation(
                    Ids.Validate(parse.GetValue(valSplit)!, "--val-split"), parse.GetValue(valLimit), Math.Max(0, parse.GetValue(trainEval)), parse.GetValue(attention)!),
                NoiseSeed = parse.GetValue(noiseSeed),
            };
            var study = new NoiseStudy(plan, folder, parse.GetValue(data)!.FullName, io.Output);
            study.Prepare();

            var minutes = study.Train(new LineProgress<TrainingEvent>(e => TrainCommand.Print(io.Error, e, 50)), cancellationToken);
            var models = new ModelSegmenterFactory();
            await using var pipeline = await CliPipeline.OpenAsync(parse, storage, LogLevel.Warning, cancellationToken, StorageRetry.Service, o =>
            {
                o.Segmenters = new SegmenterFactoryByKind(models);
                o.Host = WorkCommand.Host(device: null);
                o.Worker = o.Worker with { Concurrency = Math.Max(1, parse.GetValue(workers)) };
            });
            var results = await ConsoleProgress.RunAsync(
                io.Output,
                progress => study.EvaluateAsync(
                    pipeline, models, minutes,
                    new SynchronousProgress<SentenceCounts>(c => progress.Report(new StageProgress("sentences", c.Succeeded + c.Failed, c.Expected))),
                    cancellationToken),
                r => $"evaluated {r.Rows.Count} heads in {r.EvaluationMinutes.ToString("F1", CultureInfo.InvariantCulture)} min " +
                     $"(latents: {r.SharedLatentMisses} computed, {r.SharedLatentHits} shared)");
            io.Output.Write(results.Table());
            io.Output.WriteLine($"study folder: {folder} ({NoiseStudy.ResultsFile}, {NoiseStudy.TableFile}, report.html, figures/)");
            return results.Rows.All(r => r.Val.State == RunState.Complete && r.Train?.State is null or RunState.Complete) ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static List<long> Numbers(string text, string option) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part =>
            long.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new ArgumentException($"{option}: '{part}' is not a whole number"))];

    private static int Positive(int value, string option) => value >= 1 ? value : throw new ArgumentException($"{option} must be at least 1, got {value}");
}
