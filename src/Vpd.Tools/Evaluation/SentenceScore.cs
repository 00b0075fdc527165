using Vpd.Core.Metrics;

namespace Vpd.Tools.Evaluation;

/// <summary>One evaluated sentence: which one, and its intersection and union with the truth at S x S.</summary>
/// <param name="RefId">The referred object whose truth was compared.</param>
/// <param name="SentId">The sentence that was read (under the shuffled control, a sentence of another object).</param>
/// <param name="Counts">I and U in pixels at S x S.</param>
public sealed record SentenceScore(long RefId, long ImageId, long SentId, IouCounts Counts);
