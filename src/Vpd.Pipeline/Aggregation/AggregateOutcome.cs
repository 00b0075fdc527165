using Vpd.Core.Contracts;

namespace Vpd.Pipeline.Aggregation;

/// <summary>The result of one aggregation check.</summary>
/// <param name="Metrics">What was written to metrics.json and VpdRuns.</param>
/// <param name="Next">The message for the next check, or null when the run is complete or stalled.</param>
public sealed record AggregateOutcome(RunMetrics Metrics, AggregateMessage? Next)
{
    public bool IsComplete => Metrics.State == RunState.Complete;

    /// <summary>Complete or stalled: no further check will change the state by itself.</summary>
    public bool IsFinal => Next is null;
}
