namespace Vpd.Pipeline.Aggregation;

/// <summary>How often the aggregator re-checks a run, and when it gives up on one that does not move.</summary>
public sealed record AggregatorOptions
{
    /// <summary>Visibility delay of the re-enqueued vpd-aggregate message (whole seconds: the queue service drops fractions).</summary>
    public TimeSpan RecheckDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Checks in a row without a newly accounted sentence, each finding vpd-expressions empty, after which a run is
    /// recorded as stalled: the one rule for "stalled", used by the Functions app's checks and by <c>vpd work --run</c>
    /// alike. A check that finds messages waiting (perhaps other runs' work ahead of this run's) neither counts nor
    /// resets.
    /// </summary>
    public int MaxChecksWithoutProgress { get; init; } = 20;
}
