using Vpd.Pipeline.Queues;

namespace Vpd.Pipeline.Storage;

/// <summary>
/// Names of the containers, queues and tables in one storage account. Production uses <see cref="Default"/>, whose
/// queue names are the ones the Functions triggers bind (<see cref="PipelineQueues"/>); tests use
/// <see cref="WithPrefix"/> so that runs sharing one Azurite never see each other.
/// </summary>
public sealed record StorageNames
{
    public static StorageNames Default { get; } = new();

    public string InputsContainer { get; init; } = "inputs";

    public string ModelsContainer { get; init; } = "models";

    public string RunsContainer { get; init; } = "runs";

    public string ExpressionsQueue { get; init; } = PipelineQueues.Expressions;

    public string AggregateQueue { get; init; } = PipelineQueues.Aggregate;

    public string SamplesTable { get; init; } = "VpdSamples";

    public string RunsTable { get; init; } = "VpdRuns";

    public string ExpressionsPoisonQueue => PipelineQueues.PoisonOf(ExpressionsQueue);

    public string AggregatePoisonQueue => PipelineQueues.PoisonOf(AggregateQueue);

    /// <summary>
    /// Every name prefixed: <paramref name="prefix"/> must be lowercase letters and digits, starting with a letter,
    /// at most 20 characters (so that container, queue and table names stay valid).
    /// </summary>
    public static StorageNames WithPrefix(string prefix)
    {
        if (prefix.Length is 0 or > 20 || !char.IsAsciiLetterLower(prefix[0]) ||
            !prefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new ArgumentException(
                $"storage name prefix '{prefix}' must be 1..20 lowercase letters or digits, starting with a letter", nameof(prefix));
        }
        return new StorageNames
        {
            InputsContainer = $"{prefix}-inputs",
            ModelsContainer = $"{prefix}-models",
            RunsContainer = $"{prefix}-runs",
            ExpressionsQueue = $"{prefix}-{PipelineQueues.Expressions}",
            AggregateQueue = $"{prefix}-{PipelineQueues.Aggregate}",
            SamplesTable = $"{prefix}VpdSamples",
            RunsTable = $"{prefix}VpdRuns",
        };
    }
}
