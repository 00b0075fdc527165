using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using Vpd.Core.Refer;
using Vpd.Model.Checkpoints;
using Vpd.Tools.Evaluation;
using Vpd.Model.Inference;
using Vpd.Model.Nn;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using Vpd.Model;

namespace Vpd.Tools.Training;

/// <summary>
/// <c>vpd train</c>: VPD's recipe (docs/training.md) on a referring dataset. Frozen parts run without
/// gradients in eval mode; a frozen stem's latents are computed once up front. After each epoch: a
/// validation pass (oIoU, mIoU, P@k), a checkpoint in the product's format, <c>best.safetensors</c> by
/// validation oIoU, and the resume state next to <c>last.safetensors</c>. Every random choice (object
/// order, sentence picks, noise) comes from one seeded CPU generator whose state is saved, so a resumed
/// run repeats an uninterrupted one bit for bit on the CPU.
/// </summary>
public static class Trainer
{
    /// <summary>Cross-entropy weights of (background, object), VPD's.</summary>
    public static IReadOnlyList<float> ClassWeights { get; } = [0.9f, 1.1f];

    public static TrainingResult Run(TrainingOptions options, IProgress<TrainingEvent>? progress = null, CancellationToken cancellationToken = default) =>
        Run(options, progress, cancellationToken, firstStepTrace: null);

    /// <param name="firstStepTrace">Receives the first optimizer step's forward values (tests compare noised and plain runs).</param>
    internal static TrainingResult Run(
        TrainingOptions options, IProgress<TrainingEvent>? progress, CancellationToken cancellationToken, ForwardTrace? firstStepTrace)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var device = SegmenterOptions.ParseDevice(options.Device);
        var dataset = ReferDataset.Load(options.DataRoot, options.DatasetId);
        RequireSplit(dataset, options.Split, "--split");
        if (options.ValSplit is { } valSplit)
        {
            RequireSplit(dataset, valSplit, "--val-split");
        }
        Directory.CreateDirectory(options.OutDir);
        var runKey = RunKey(options);
        TrainingState? resumed = null;
        if (options.Resume)
        {
            resumed = TrainingState.Read(options.OutDir);
            if (resumed.RunKey != runKey)
            {
                throw new ArgumentException(
                    $"--resume: {TrainingState.StatePath(options.OutDir)} was written by a run with other settings ({resumed.RunKey}); this run has {runKey}");
            }
        }
        else if (File.Exists(TrainingState.StatePath(options.OutDir)))
        {
            throw new ArgumentException($"{options.OutDir} already holds a training run; pass --resume to continue it or choose another --out");
        }

        var initProvenance = InitProvenance(options);
        using var model = resumed is null
            ? ModelInit.Create(options)
            : ModelInit.LoadMatching(Path.Combine(options.OutDir, TrainingState.ModelFileName), ModelInit.ConfigOf(options), $"--init {options.Init}");
        if (device.type != DeviceType.CPU)
        {
            model.To(device, ScalarType.Float32);
        }
        // Training keeps libtorch's default layout where it is right on this host (forward checked; see ConvolutionCheck).
        ConvolutionCheck.Repair(model.Refer, "training model");
        var parts = options.Trainable;
        ParameterGroups.Freeze(model, parts);
        var config = model.Config.Refer;
        using var data = TrainingData.Load(dataset, options.Split, options.TrainLimit, options.TrainSubset, options.SubsetSeed, config.ImageSize);
        if (options.BatchSize > data.Objects.Count)
        {
            throw new ArgumentException(
                $"--batch-size {options.BatchSize} is larger than the data: split '{options.Split}' of {dataset.RefsPath} has {data.Objects.Count} usable objects");
        }
        var cacheLatents = !parts.TrainsStemAndText();
        if (cacheLatents)
        {
            var total = data.ImageCount;
            data.CacheLatents(model.Refer, device, new InlineProgress<int>(done => progress?.Report(new LatentsCached(done, total, clock.Elapsed))));
        }

        var stepsPerEpoch = data.Objects.Count / options.BatchSize;
        var totalSteps = (long)stepsPerEpoch * options.Epochs;
        using var optimizer = (AdamW)ParameterGroups.AdamW(model, parts, options.LearningRate, options.WeightDecay, options.NoDecay);
        using var generator = new Generator((ulong)options.Seed, torch.CPU);
        using var classWeights = torch.tensor(ClassWeights.ToArray()).to(device);

        var epochsDone = 0;
        long step = 0;
        var stepInEpoch = 0;
        int[] order = [];
        double? best = null;
        var validations = new List<ValidationPoint>();
        var minutesBefore = 0.0;
        if (resumed is not null)
        {
            optimizer.load_state_dict(Path.Combine(options.OutDir, TrainingState.OptimizerFileName));
            using var state = torch.tensor(Convert.FromBase64String(resumed.GeneratorState));
            generator.set_state(state);
            (epochsDone, step, stepInEpoch, order, best, minutesBefore) =
                (resumed.EpochsDone, resumed.Step, resumed.StepInEpoch, resumed.EpochOrder, resumed.BestOverallIou, resumed.ElapsedMinutes);
            validations.AddRange(resumed.Validations);
        }
        var trainable = ParameterGroups.Select(model, parts).Sum(p => p.Parameter.numel());
        progress?.Report(new TrainingStarted(data.Objects.Count, stepsPerEpoch, totalSteps, epochsDone + 1, step, trainable, cacheLatents, clock.Elapsed));

        var losses = new List<double>();
        var runClock = Stopwatch.StartNew();
        double Minutes() => minutesBefore + runClock.Elapsed.TotalMinutes;
        string? stopReason = null;
        while (epochsDone < options.Epochs && stopReason is null)
        {
            if (stepInEpoch == 0)
            {
                using var permutation = torch.randperm(data.Objects.Count, generator: generator);
                order = [.. permutation.data<long>().ToArray().Select(i => (int)i)];
            }
            while (stepInEpoch < stepsPerEpoch)
            {
                var stepClock = Stopwatch.StartNew();
                var batch = order.AsSpan(stepInEpoch * options.BatchSize, options.BatchSize).ToArray();
                var lr = PolynomialDecay.Rate(options.LearningRate, step, totalSteps);
                var loss = Step(model, data, batch, options.NoiseStep, lr, optimizer, generator, classWeights, device, step == 0 ? firstStepTrace : null);
                losses.Add(loss);
                step++;
                stepInEpoch++;
                progress?.Report(new StepCompleted(
                    epochsDone + 1, step, totalSteps, loss, lr, options.BatchSize / stepClock.Elapsed.TotalSeconds, clock.Elapsed));
                if (cancellationToken.IsCancellationRequested)
                {
                    stopReason = "cancelled";
                }
                else if (options.MaxMinutes is { } limit && Minutes() >= limit)
                {
                    stopReason = $"--max-minutes {limit.ToString(CultureInfo.InvariantCulture)} reached";
                }
                if (stopReason is not null)
                {
                    break;
                }
            }
            var epochEnded = stepInEpoch == stepsPerEpoch;
            if (epochEnded)
            {
                epochsDone++;
                stepInEpoch = 0;
                order = [];
            }
            double? oiou = null;
            // A cancelled run saves its state at once; the validation would only be cancelled too.
            if (options.ValSplit is { } split && (epochEnded || stopReason is not null) && !cancellationToken.IsCancellationRequested)
            {
                var report = Validate(model, dataset, split, options, device, cancellationToken);
                oiou = report.Metrics.OverallIou;
                validations.Add(new ValidationPoint(epochsDone, step, Minutes(), report.Metrics.OverallIou, report.Metrics.MeanIou));
                progress?.Report(new ValidationCompleted(epochEnded ? epochsDone : epochsDone + 1, !epochEnded, step, report, clock.Elapsed));
            }
            var provenance = Provenance(options, model, epochsDone, step, oiou, initProvenance);
            if (epochEnded)
            {
                Save(model, Path.Combine(options.OutDir, $"epoch-{epochsDone:D3}.safetensors"), provenance, "epoch", progress);
            }
            if (oiou is { } value && (best is null || value > best))
            {
                best = value;
                Save(model, Path.Combine(options.OutDir, "best.safetensors"), provenance, "best", progress);
            }
            Save(model, Path.Combine(options.OutDir, TrainingState.ModelFileName), provenance, "last", progress);
            optimizer.save_state_dict(Path.Combine(options.OutDir, TrainingState.OptimizerFileName));
            using var generatorState = generator.get_state();
            new TrainingState
            {
                EpochsDone = epochsDone,
                Step = step,
                StepInEpoch = stepInEpoch,
                EpochOrder = order,
                GeneratorState = Convert.ToBase64String(generatorState.bytes.ToArray()),
                BestOverallIou = best,
                ElapsedMinutes = Minutes(),
                RunKey = runKey,
                Validations = validations,
            }.Write(options.OutDir);
        }
        if (stopReason is not null && epochsDone < options.Epochs)
        {
            progress?.Report(new TrainingStopped(stopReason, step));
        }
        return new TrainingResult(
            epochsDone == options.Epochs, epochsDone, step, Path.Combine(options.OutDir, TrainingState.ModelFileName),
            best is null ? null : Path.Combine(options.OutDir, "best.safetensors"), best, validations, losses);
    }

    /// <summary>One optimizer step on the objects <paramref name="batch"/>; returns the loss.</summary>
    private static double Step(
        VpdModel model, TrainingData data, int[] batch, int noiseStep, double lr, AdamW optimizer, Generator generator,
        Tensor classWeights, Device device, ForwardTrace? trace)
    {
        using var scope = NewDisposeScope();
        var config = model.Config.Refer;
        // The generator is drawn in the same order whatever the settings (noise even at T = 0), so two
        // runs that differ only in the noise step see the same objects, sentences and noise.
        var picks = torch.rand(batch.Length, dtype: ScalarType.Float64, generator: generator).data<double>().ToArray();
        var noise = torch.randn([batch.Length, config.Unet.InChannels, config.LatentSize, config.LatentSize], generator: generator);
        var sentences = new List<string>(batch.Length);
        for (var i = 0; i < batch.Length; i++)
        {
            var options = data.Objects[batch[i]].Sentences;
            sentences.Add(options[Math.Min(options.Count - 1, (int)(picks[i] * options.Count))].Sent);
        }
        using var objectIndex = torch.tensor(batch.Select(i => (long)i).ToArray());
        using var imageIndex = torch.tensor(batch.Select(i => (long)data.ImageOfObject[i]).ToArray());
        var targets = data.Truth.index_select(0, objectIndex).to(ScalarType.Int64).to(device);

        Tensor text;
        Tensor latents;
        if (data.Latents is { } cached)
        {
            using (no_grad())
            {
                text = model.EncodeText(sentences);
            }
            latents = cached.index_select(0, imageIndex).to(device);
        }
        else
        {
            text = model.EncodeText(sentences);
            latents = model.Refer.EncodeLatents(data.Images([.. batch.Select(i => data.ImageOfObject[i])]).to(device));
        }
        trace?.Invoke("latents", latents);
        trace?.Invoke("noise", noise);
        trace?.Invoke("text", text);
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = lr;
        }
        optimizer.zero_grad();
        var result = model.Refer.ForwardLatents(latents, text, noiseStep, noiseStep == 0 ? null : noise.to(device), trace);
        var loss = F.cross_entropy(result.Logits, targets, weight: classWeights);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    private static EvaluationReport Validate(VpdModel model, ReferDataset dataset, string split, TrainingOptions options, Device device, CancellationToken token)
    {
        model.Eval();
        try
        {
            using var segmenter = new ObjectSegmenter(model, new SegmenterOptions(device, ScalarType.Float32, options.NoiseStep, options.ValNoiseSeed));
            return SplitEvaluator.Run(dataset, split, segmenter, new EvaluationOptions(options.ValLimit), null, token);
        }
        finally
        {
            ParameterGroups.SetTrainMode(model, options.Trainable);
        }
    }

    private static void Save(VpdModel model, string path, IReadOnlyDictionary<string, string> provenance, string kind, IProgress<TrainingEvent>? progress)
    {
        var temp = path + ".tmp";
        VpdModelFile.Save(model, temp, provenance);
        File.Move(temp, path, overwrite: true);
        progress?.Report(new CheckpointSaved(path, kind));
    }

    private static Dictionary<string, string> Provenance(
        TrainingOptions options, VpdModel model, int epochsDone, long step, double? oiou, string? initProvenance)
    {
        var invariant = CultureInfo.InvariantCulture;
        var notes = new Dictionary<string, string>
        {
            ["made_by"] = "vpd train",
            ["init"] = ModelInit.IsTiny(options) ? "tiny (random initialisation, RefShapes tokenizer)" : Path.GetFileName(options.Init),
            ["trainable"] = options.Trainable.Name(),
            ["dataset"] = options.DatasetId,
            ["split"] = options.Split,
            ["noise_step"] = options.NoiseStep.ToString(invariant),
            ["epochs_done"] = epochsDone.ToString(invariant),
            ["epochs"] = options.Epochs.ToString(invariant),
            ["steps"] = step.ToString(invariant),
            ["batch_size"] = options.BatchSize.ToString(invariant),
            ["lr"] = options.LearningRate.ToString("R", invariant),
            ["weight_decay"] = options.WeightDecay.ToString("R", invariant),
            ["no_decay"] = options.NoDecay.Name(),
            ["text_adapter"] = model.Config.Refer.UseTextAdapter ? "on" : "off",
            ["seed"] = options.Seed.ToString(invariant),
            ["fresh_head"] = options.FreshHead ? "yes" : "no",
        };
        if (options.TrainLimit is { } limit)
        {
            notes["limit"] = limit.ToString(invariant);
        }
        if (options.TrainSubset is { } subset)
        {
            notes["subset"] = subset.ToString(invariant);
            notes["subset_seed"] = options.SubsetSeed.ToString(invariant);
        }
        if (oiou is { } value)
        {
            notes["val_split"] = options.ValSplit ?? "";
            notes["val_oiou"] = value.ToString("R", invariant);
        }
        if (initProvenance is not null)
        {
            notes["init_provenance"] = initProvenance;
        }
        return notes;
    }

    /// <summary>
    /// The provenance of the model file a run starts from, as JSON, read once: a run started from an earlier
    /// run's file keeps that file's recipe, so a model trained in stages carries its whole history.
    /// </summary>
    private static string? InitProvenance(TrainingOptions options)
    {
        if (ModelInit.IsTiny(options) || !File.Exists(options.Init))
        {
            return null;
        }
        var before = VpdModelFile.ReadProvenance(options.Init);
        return before.Count > 0 ? System.Text.Json.JsonSerializer.Serialize(before) : null;
    }

    /// <summary>The settings a resumed run must share with the one it continues.</summary>
    private static string RunKey(TrainingOptions o) => string.Join(
        ";",
        $"dataset={o.DatasetId}", $"split={o.Split}", $"init={o.Init}", $"trainable={o.Trainable.Name()}", $"noise_step={o.NoiseStep}",
        $"epochs={o.Epochs}", $"batch_size={o.BatchSize}", $"lr={o.LearningRate.ToString("R", CultureInfo.InvariantCulture)}",
        $"weight_decay={o.WeightDecay.ToString("R", CultureInfo.InvariantCulture)}", $"no_decay={o.NoDecay.Name()}", $"text_adapter={o.TextAdapter}",
        $"seed={o.Seed}", $"train_limit={o.TrainLimit}", $"subset={o.TrainSubset}", $"subset_seed={o.SubsetSeed}", $"fresh_head={o.FreshHead}");

    private static void RequireSplit(ReferDataset dataset, string split, string option)
    {
        if (!dataset.Splits.Contains(split, StringComparer.Ordinal))
        {
            throw new ArgumentException($"{option} '{split}': {dataset.RefsPath} has no such split; splits present: {string.Join(", ", dataset.Splits)}");
        }
    }
}
