namespace Vpd.Pipeline.Storage;

/// <summary>
/// Names of the containers, queues and tables the pipeline uses. Production uses <see cref="Default"/>;
/// tests use <see cref="WithPrefix"/> so that runs sharing one storage account never see each other.
/// </summary>
public sealed record StorageNames
{
    public static StorageNames Default { get; } = new();

    public string InputsContainer { get; init; } = "inputs";

    public string ModelsContainer { get; init; } = "models";

    public string RunsContainer { get; init; } = "runs";

    public string ExpressionsQueue { get; init; } = "vpd-expressions";

    public string AggregateQueue { get; init; } = "vpd-aggregate";

    public string SamplesTable { get; init; } = "VpdSamples";

    public string RunsTable { get; init; } = "VpdRuns";

    /// <summary>Where the Functions host (and <c>vpd work</c>) moves a message after maxDequeueCount failures.</summary>
    public string ExpressionsPoisonQueue => PoisonQueueOf(ExpressionsQueue);

    public string AggregatePoisonQueue => PoisonQueueOf(AggregateQueue);

    /// <summary>The Functions host's naming convention for poison queues.</summary>
    public static string PoisonQueueOf(string queue) => $"{queue}-poison";

    /// <summary>
    /// Every name prefixed: <paramref name="prefix"/> must be lowercase letters and digits, starting with a
    /// letter, at most 20 characters (so that container, queue and table names stay valid).
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
            ExpressionsQueue = $"{prefix}-vpd-expressions",
            AggregateQueue = $"{prefix}-vpd-aggregate",
            SamplesTable = $"{prefix}VpdSamples",
            RunsTable = $"{prefix}VpdRuns",
        };
    }
}
