using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vpd.Cli.Common;
using Vpd.Core.Metrics;
using Vpd.Tools.Training;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd train</c>: trains a VPD model on a referring dataset with VPD's recipe and writes model files in
/// the product's format (per epoch, best by validation oIoU, and last with its resume state).
/// <c>--init tiny</c> starts a randomly initialised Tiny model with the RefShapes tokenizer; <c>--init</c> with
/// released checkpoints (a Stable Diffusion file, optionally a VPD <c>.pth</c>) imports them first, as
/// <c>vpd convert --fresh-head</c> would, into <c>init.safetensors</c> in the run's folder.
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Data root holding the dataset folders and images/mscoco/images/train2014", Required = true };
        var dataset = new Option<string>("--dataset") { Description = "Dataset id: refcoco, refcocoplus (or refcoco+), refcocog-umd, refcocog-google, refshapes", DefaultValueFactory = _ => "refshapes" };
        var split = new Option<string>("--split") { Description = "Split to train on", DefaultValueFactory = _ => "train" };
        var init = new Option<string[]>("--init")
        {
            Description = "What to start from: a VPD model file; a Stable Diffusion v1 file (+ optionally a VPD .pth; needs --tokenizer), "
                + "imported with a fresh head where no .pth is given; or 'tiny' (random Tiny model, RefShapes tokenizer)",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var import = new ImportOptions();
        var trainable = new Option<string>("--trainable") { Description = "What trains: " + string.Join(" | ", TrainableNames.Names), DefaultValueFactory = _ => "head" };
        var noiseStep = new Option<int>("--noise-step") { Description = "Diffusion noise step T in 0..999 added to the latents (0: none)", DefaultValueFactory = _ => 0 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs (passes over the objects, one random sentence each)", DefaultValueFactory = _ => 1 };
        var batch = new Option<int>("--batch-size") { Description = "Objects per step", DefaultValueFactory = _ => 8 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate (polynomial decay to 0)", DefaultValueFactory = _ => 5e-5 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "AdamW weight decay (not on the parameters --no-decay names)", DefaultValueFactory = _ => 0.01 };
        var noDecay = new Option<string>("--no-decay")
        {
            Description = "Parameters without weight decay: norm-names (VPD's refer/train.py: full name contains 'norm') | "
                + "biases+norm-layers (every bias and norm-layer parameter)",
            DefaultValueFactory = _ => WeightDecayExemptions.Names[0],
        };
        var textAdapter = TextAdapterOption.Create();
        var seed = new Option<long>("--seed") { Description = "Seed of initialisation, data order, sentence picks and noise", DefaultValueFactory = _ => 0 };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for epoch-NNN.safetensors, best.safetensors, last.safetensors and its resume state", Required = true };
        var valSplit = new Option<string?>("--val-split") { Description = "Split to validate on after each epoch (oIoU, mIoU, P@k; picks best.safetensors)" };
        var valLimit = new Option<int?>("--val-limit") { Description = "Validate on the first N objects of the validation split only" };
        var trainLimit = new Option<int?>("--limit") { Description = "Train on the first N objects of the split only" };
        var subset = new Option<int?>("--subset") { Description = "Train on N objects of the split drawn at random with --subset-seed (the seed report's 5,000)" };
        var subsetSeed = new Option<long>("--subset-seed") { Description = "Seed of the --subset draw (independent of --seed)", DefaultValueFactory = _ => 0 };
        var freshHead = new Option<bool>("--fresh-head") { Description = "Start the head from new random weights (drawn with --seed) instead of --init's: a new head on a frozen backbone" };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out exactly where it stopped" };
        var maxMinutes = new Option<double?>("--max-minutes") { Description = "Stop after this many minutes of training, validate and save a resumable state" };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var threads = new Option<int?>("--threads") { Description = "CPU threads libtorch may use (default: libtorch's choice; 1 is faster on a busy machine)" };
        var logEvery = new Option<int>("--log-every") { Description = "Print a progress line every N steps", DefaultValueFactory = _ => 10 };
        var command = new Command("train", "Train a VPD model (VPD's recipe) and write model files in the product's format")
        {
            data, dataset, split, init, trainable, textAdapter, noiseStep, epochs, batch, lr, weightDecay, noDecay, seed, outDir, valSplit, valLimit,
            trainLimit, subset, subsetSeed, freshHead, resume, maxMinutes, device, threads, logEvery,
        };
        import.AddTo(command);
        command.SetGuardedAction((parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            TorchThreads.Apply(parse.GetValue(threads));
            var outFolder = parse.GetValue(outDir)!.FullName;
            var adapter = TextAdapterOption.Parse(parse.GetValue(textAdapter));
            var exemption = WeightDecayExemptions.Parse(parse.GetValue(noDecay)!);
            var initModel = TrainInit.Resolve(
                parse.GetValue(init) ?? [], parse, import, adapter, outFolder, parse.GetValue(resume), output, parse.InvocationConfiguration.Error);
            var options = new TrainingOptions
            {
                DataRoot = parse.GetValue(data)!.FullName,
                DatasetId = parse.GetValue(dataset)!,
                Split = parse.GetValue(split)!,
                Init = initModel,
                Trainable = TrainableNames.Parse(parse.GetValue(trainable)!),
                NoiseStep = parse.GetValue(noiseStep),
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batch),
                LearningRate = parse.GetValue(lr),
                WeightDecay = parse.GetValue(weightDecay),
                NoDecay = exemption,
                TextAdapter = adapter,
                Seed = parse.GetValue(seed),
                OutDir = outFolder,
                ValSplit = parse.GetValue(valSplit),
                ValLimit = parse.GetValue(valLimit),
                TrainLimit = parse.GetValue(trainLimit),
                TrainSubset = parse.GetValue(subset),
                SubsetSeed = parse.GetValue(subsetSeed),
                FreshHead = parse.GetValue(freshHead),
                Resume = parse.GetValue(resume),
                MaxMinutes = parse.GetValue(maxMinutes),
                Device = parse.GetValue(device)!,
            };
            var every = Math.Max(1, parse.GetValue(logEvery));
            var result = ConsoleProgress.IsInteractive(output)
                ? RunWithBar(options, every, cancellationToken)
                : Trainer.Run(options, new LineProgress<TrainingEvent>(e => Print(output, e, every)), cancellationToken);
            output.WriteLine(result.Completed
                ? $"done: {result.EpochsDone} epochs, {result.Steps} steps; last {result.LastModel}" + (result.BestModel is null ? "" : $"; best {result.BestModel} (oIoU {EvalTable.Percent(result.BestOverallIou ?? 0)})")
                : $"stopped after {result.Steps} steps; continue with --resume (state in {options.OutDir})");
            return Task.FromResult(result.Completed || !cancellationToken.IsCancellationRequested ? ExitCodes.Ok : ExitCodes.Cancelled);
        });
        return command;
    }

    /// <summary>
    /// On a terminal: one bar over all steps whose caption carries epoch, loss, lr and throughput, with the
    /// other events (validation, checkpoints) as lines above it.
    /// </summary>
    private static TrainingResult RunWithBar(TrainingOptions options, int every, CancellationToken cancellationToken) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask? bar = null;
                return Trainer.Run(options, new LineProgress<TrainingEvent>(e =>
                {
                    if (e is TrainingStarted started)
                    {
                        bar = context.AddTask("training", maxValue: Math.Max(1, started.TotalSteps));
                        bar.Value = started.StartStep;
                    }
                    if (e is StepCompleted step && bar is not null)
                    {
                        bar.Value = step.Step;
                        bar.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                            $"epoch {step.Epoch} loss {step.Loss:0.0000} lr {step.LearningRate:0.00e+00} {step.SamplesPerSecond:0.0} samples/s"));
                    }
                    else if (Format(e, every) is { } line)
                    {
                        AnsiConsole.WriteLine(line);
                    }
                }), cancellationToken);
            });

    internal static void Print(TextWriter output, TrainingEvent e, int every)
    {
        if (Format(e, every) is { } line)
        {
            output.WriteLine(line);
        }
    }

    /// <summary>The event as one line, or null for the steps between <paramref name="every"/>-th ones.</summary>
    private static string? Format(TrainingEvent e, int every)
    {
        var invariant = CultureInfo.InvariantCulture;
        switch (e)
        {
            case TrainingStarted s:
                return string.Create(invariant,
                    $"training {s.Objects} objects, {s.StepsPerEpoch} steps per epoch, {s.TotalSteps} steps, from epoch {s.StartEpoch} step {s.StartStep}; {s.TrainableParameters:N0} trained parameters; stem latents {(s.CachedLatents ? "cached up front" : "computed each step")}; setup {s.SetupTime.TotalSeconds:0.0} s");
            case LatentsCached l when l.Images == l.Total || l.Images % 256 == 0:
                return string.Create(invariant, $"encoding training images with the frozen stem: {l.Images}/{l.Total}, elapsed {l.Elapsed:hh\\:mm\\:ss}");
            case StepCompleted s when s.Step % every == 0 || s.Step == s.TotalSteps:
                return string.Create(invariant,
                    $"epoch {s.Epoch} step {s.Step}/{s.TotalSteps} loss {s.Loss:0.0000} lr {s.LearningRate:0.00e+00} {s.SamplesPerSecond:0.0} samples/s elapsed {s.Elapsed:hh\\:mm\\:ss}");
            case ValidationCompleted v:
                var m = v.Report.Metrics;
                var precision = string.Join(" ", Enumerable.Range(0, IouAccumulator.Thresholds.Count)
                    .Select(i => $"P@{IouAccumulator.ThresholdKey(i)} {EvalTable.Percent(m.Precision(i))}"));
                return string.Create(invariant,
                    $"epoch {v.Epoch}{(v.PartialEpoch ? " (partial)" : "")} step {v.Step} {v.Report.Split}: oIoU {EvalTable.Percent(m.OverallIou)} mIoU {EvalTable.Percent(m.MeanIou)} {precision} ({m.Count} sentences, {v.Report.Elapsed.TotalSeconds:0.0} s) elapsed {v.Elapsed:hh\\:mm\\:ss}");
            case CheckpointSaved c:
                return $"saved {c.Kind}: {c.Path}";
            case TrainingStopped t:
                return $"stopped at step {t.Step}: {t.Reason}";
            default:
                return null;
        }
    }
}
