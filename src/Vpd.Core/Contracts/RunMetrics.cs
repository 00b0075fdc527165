using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vpd.Core.Contracts;

/// <summary>
/// runs/{run}/metrics.json (documented in docs/metrics-schema.md). IoU metrics are fractions in 0..1 over the
/// succeeded sentences of the run's sentence set; the counts beside them say how complete they are.
/// </summary>
public sealed record RunMetrics
{
    /// <summary>2: counts only the run's own sentences and reports rows outside its set as <see cref="SentenceCounts.Foreign"/>.</summary>
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required string Run { get; init; }

    public required RunState State { get; init; }

    public required SentenceCounts Counts { get; init; }

    [JsonPropertyName("oIoU")]
    public required double OverallIou { get; init; }

    [JsonPropertyName("mIoU")]
    public required double MeanIou { get; init; }

    /// <summary>Share of succeeded sentences with IoU >= k, keyed "0.5" .. "0.9".</summary>
    public required IReadOnlyDictionary<string, double> Precision { get; init; }

    /// <summary>Sum of intersections over succeeded sentences (pixels at S x S).</summary>
    public required long CumI { get; init; }

    /// <summary>Sum of unions over succeeded sentences.</summary>
    public required long CumU { get; init; }

    /// <summary>Sentences accounted for per second of worker wall time (first sample start to last sample end).</summary>
    public required double ThroughputSentencesPerSecond { get; init; }

    /// <summary>Per-sentence processing time percentiles in milliseconds.</summary>
    public required LatencyPercentiles LatencyMs { get; init; }

    public required DateTimeOffset StartedUtc { get; init; }

    public required DateTimeOffset UpdatedUtc { get; init; }

    public DateTimeOffset? CompletedUtc { get; init; }

    /// <summary>SHA-256 of the run's manifest.json bytes, tying these numbers to what produced them.</summary>
    public required string ManifestSha256 { get; init; }

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, ContractJson.IndentedOptions);

    /// <exception cref="InvalidDataException">Not a metrics document of this schema.</exception>
    public static RunMetrics Parse(byte[] utf8Json, string source)
    {
        var metrics = ContractJson.Parse<RunMetrics>(utf8Json, source);
        if (metrics.SchemaVersion != CurrentSchemaVersion)
        {
            throw new InvalidDataException($"{source} has schemaVersion {metrics.SchemaVersion}, this code reads {CurrentSchemaVersion}");
        }
        return metrics;
    }
}

/// <summary>
/// Sentence counts of a run. Succeeded and failed count only the run's own sentences (its sentence set);
/// pending = expected - succeeded - failed; foreign = rows that name the run but are not in its set, kept apart.
/// </summary>
public sealed record SentenceCounts(long Expected, long Succeeded, long Failed, long Pending, long Foreign = 0);

/// <summary>Latency percentiles (linear interpolation between closest ranks).</summary>
public sealed record LatencyPercentiles(double P50, double P90, double P99);
