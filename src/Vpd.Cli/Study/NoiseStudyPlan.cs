using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vpd.Core.Contracts;

namespace Vpd.Cli.Study;

/// <summary>How each head is trained: the seed report's head-only recipe, its values given here.</summary>
public sealed record HeadRecipe(int Subset, long SubsetSeed, int Epochs, int BatchSize, double LearningRate, double WeightDecay);

/// <summary>Which evaluations a study makes of every trained head.</summary>
/// <param name="ValLimit">Objects of the validation split evaluated (null: all).</param>
/// <param name="TrainLimit">Objects of the training subset evaluated, for the generalisation gap (0: none).</param>
/// <param name="Attention">Attention maps stored by the validation runs, for the figures.</param>
public sealed record StudyEvaluation(string ValSplit, int? ValLimit, int TrainLimit, string Attention);

/// <summary>One trained head: the noise step T it is trained (and evaluated) at, and its training seed.</summary>
public sealed record StudyHead(int NoiseStep, long Seed)
{
    public string Name => $"t{NoiseStep.ToString(CultureInfo.InvariantCulture)}-s{Seed.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// A noise-step study, stored as study.json in its folder: the frozen backbone (by content hash), the data, the
/// heads to train and the recipe. A study resumed from its folder must be asked for with the same plan.
/// </summary>
public sealed record NoiseStudyPlan
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Names the study's runs: <c>{Name}-{head}-{val|train}</c>.</summary>
    public required string Name { get; init; }

    public required string Backbone { get; init; }

    public required string BackboneSha256 { get; init; }

    public required string Dataset { get; init; }

    public required string TrainSplit { get; init; }

    public required IReadOnlyList<StudyHead> Heads { get; init; }

    public required HeadRecipe Recipe { get; init; }

    public required StudyEvaluation Evaluation { get; init; }

    public long NoiseSeed { get; init; }

    /// <summary>The steps in the order given, each once.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> Steps => [.. Heads.Select(h => h.NoiseStep).Distinct()];

    public string RunId(StudyHead head, string split) => Ids.Validate($"{Name}-{head.Name}-{split}", "run");

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, ContractJson.IndentedOptions);

    /// <exception cref="InvalidDataException">Not a study plan.</exception>
    public static NoiseStudyPlan Parse(byte[] utf8Json, string source)
    {
        var plan = ContractJson.Parse<NoiseStudyPlan>(utf8Json, source);
        if (plan.SchemaVersion != CurrentSchemaVersion)
        {
            throw new InvalidDataException($"{source} has schemaVersion {plan.SchemaVersion}, this code reads {CurrentSchemaVersion}");
        }
        return plan;
    }

    /// <summary>Whether two plans ask for the same study (the same JSON).</summary>
    public bool SameAs(NoiseStudyPlan other) => ToUtf8Json().AsSpan().SequenceEqual(other.ToUtf8Json());
}
