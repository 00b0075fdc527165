using Vpd.Model.Config;
using Vpd.Model.Diffusion;

namespace Vpd.Tools.Training;

/// <summary>
/// One training run (docs/training.md): AdamW with explicit weight decay (by default exempting exactly
/// what VPD's <c>refer/train.py</c> exempts), polynomial decay <c>(1 - step/total)^0.9</c>, class-weighted
/// cross-entropy [0.9, 1.1], one random sentence per object per step.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary><see cref="Init"/> value that builds a randomly initialised Tiny model with the RefShapes tokenizer.</summary>
    public const string TinyInit = "tiny";

    public required string DataRoot { get; init; }

    /// <summary>refcoco, refcoco+, refcocog-umd, refcocog-google or refshapes.</summary>
    public required string DatasetId { get; init; }

    public string Split { get; init; } = "train";

    /// <summary>A product model file to start from, or <see cref="TinyInit"/>.</summary>
    public required string Init { get; init; }

    /// <summary>Where epoch checkpoints, best.safetensors and the resume state go.</summary>
    public required string OutDir { get; init; }

    public TrainableParts Trainable { get; init; } = TrainableParts.Head;

    /// <summary>0 = no noise (UNet at timestep 1); 1..999 = latents diffused to that step with fresh noise each step.</summary>
    public int NoiseStep { get; init; }

    public int Epochs { get; init; } = 1;

    public int BatchSize { get; init; } = 8;

    public double LearningRate { get; init; } = 5e-5;

    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Which parameters AdamW does not decay (default: VPD's rule, names containing <c>norm</c>).</summary>
    public WeightDecayExemption NoDecay { get; init; } = WeightDecayExemption.NormNames;

    /// <summary>
    /// Start the head (<c>classifier</c>) from fresh random weights drawn with <see cref="Seed"/> instead of the initial
    /// model's: a new head on a frozen backbone, the seed report's recipe.
    /// </summary>
    public bool FreshHead { get; init; }

    /// <summary>Turns the text adapter on or off in the trained model (null: as the initial model has it).</summary>
    public bool? TextAdapter { get; init; }

    public long Seed { get; init; }

    /// <summary>Split to validate on after each epoch (null: no validation, best.safetensors is not written).</summary>
    public string? ValSplit { get; init; }

    /// <summary>Validate on the first N objects of <see cref="ValSplit"/> only.</summary>
    public int? ValLimit { get; init; }

    /// <summary>Noise seed of the validation pass (the same per-image noise as <c>vpd eval --noise-seed</c>).</summary>
    public long ValNoiseSeed { get; init; }

    /// <summary>Train on the first N objects of <see cref="Split"/> only.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Train on N objects of <see cref="Split"/> drawn at random with <see cref="SubsetSeed"/> (kept in split order).</summary>
    public int? TrainSubset { get; init; }

    /// <summary>Seed of the <see cref="TrainSubset"/> draw, separate from <see cref="Seed"/> so runs can share a subset.</summary>
    public long SubsetSeed { get; init; }

    public bool Resume { get; init; }

    /// <summary>Stop after the step that crosses this many minutes, validate and save (resumable).</summary>
    public double? MaxMinutes { get; init; }

    /// <summary>cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>With <see cref="TinyInit"/>: the architecture to build instead of <see cref="VpdModelConfig.Tiny"/> (its vocabulary size is replaced by the tokenizer's).</summary>
    public VpdModelConfig? TinyConfig { get; init; }

    public void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(DataRoot), "--data is required");
        Require(!string.IsNullOrWhiteSpace(OutDir), "--out is required");
        Require(!string.IsNullOrWhiteSpace(Init), "--init is required (a model file or 'tiny')");
        Require(NoiseStep is >= 0 and < NoiseSchedule.Steps, $"--noise-step must be within 0..{NoiseSchedule.Steps - 1}, got {NoiseStep}");
        Require(Epochs >= 1, $"--epochs must be at least 1, got {Epochs}");
        Require(BatchSize >= 1, $"--batch-size must be at least 1, got {BatchSize}");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"--lr must be positive, got {LearningRate}");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), $"--weight-decay must be >= 0, got {WeightDecay}");
        Require(ValLimit is null or >= 1, $"the validation limit must be at least 1, got {ValLimit}");
        Require(TrainLimit is null or >= 1, $"the training limit must be at least 1, got {TrainLimit}");
        Require(TrainSubset is null or >= 1, $"--subset must be at least 1, got {TrainSubset}");
        Require(TrainLimit is null || TrainSubset is null, "--limit (the first N objects) and --subset (N random objects) exclude each other");
        Require(MaxMinutes is null or > 0, $"--max-minutes must be positive, got {MaxMinutes}");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
