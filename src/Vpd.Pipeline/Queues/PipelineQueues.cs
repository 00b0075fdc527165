namespace Vpd.Pipeline.Queues;

/// <summary>
/// The pipeline's queues, defined once: the Functions triggers bind these constants, <c>vpd work</c> polls the same
/// queues with the same handlers (<see cref="Worker.QueueHandlers"/>) and the same settings
/// (<see cref="QueueSettings"/>, checked against host.json by a test).
/// </summary>
public static class PipelineQueues
{
    /// <summary>One message per referred object to segment; handled by the expression processor.</summary>
    public const string Expressions = "vpd-expressions";

    /// <summary>Expression messages the host gave up on; each becomes failed rows for its sentences.</summary>
    public const string ExpressionsPoison = Expressions + PoisonSuffix;

    /// <summary>A run's next aggregation check; the aggregator re-enqueues it until the run is complete or stalled.</summary>
    public const string Aggregate = "vpd-aggregate";

    /// <summary>Aggregation checks that failed on every delivery; recorded on the run's row so the run does not wait silently.</summary>
    public const string AggregatePoison = Aggregate + PoisonSuffix;

    /// <summary>The Functions host's naming rule for poison queues, followed by <c>vpd work</c> too.</summary>
    public const string PoisonSuffix = "-poison";

    public static string PoisonOf(string queue) => queue + PoisonSuffix;
}
