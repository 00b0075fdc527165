using Vpd.Core.Metrics;

namespace Vpd.Tools.Evaluation;

/// <summary>The outcome of evaluating a split: per-sentence scores, their metrics, and what was skipped.</summary>
/// <param name="Objects">Referred objects evaluated.</param>
/// <param name="SkippedObjects">Objects not evaluated (under the shuffled control: alone in their image).</param>
public sealed record EvaluationReport(
    string Split, IReadOnlyList<SentenceScore> Sentences, IouAccumulator Metrics, int Objects, int SkippedObjects, TimeSpan Elapsed);
