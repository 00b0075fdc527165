namespace Vpd.Core.Metrics;

/// <summary>
/// The state of an <see cref="IouAccumulator"/> in a form that can be stored or sent (JSON) and merged
/// elsewhere without loss. <see cref="SumIouExact"/> is the exact IoU sum as an integer count of 2^-1074
/// (<see cref="ExactSum.ToString"/>), so that merged results equal single-process ones to the last bit.
/// </summary>
public sealed record IouPartialSums(
    long Count, long SumIntersection, long SumUnion, string SumIouExact, IReadOnlyList<long> CountsAtThreshold);
