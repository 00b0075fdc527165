using Azure.Data.Tables;
using Vpd.Core.Contracts;
using Vpd.Core.Metrics;
using Vpd.Pipeline.Processing;

namespace Vpd.Pipeline.Aggregation;

/// <summary>What the aggregator gathers from a run's VpdSamples rows.</summary>
internal sealed class SampleSummary
{
    private readonly IouAccumulator _accumulator = new();
    private readonly List<double> _latencies = [];
    private DateTimeOffset? _firstStart;
    private DateTimeOffset? _lastEnd;

    public long Succeeded { get; private set; }

    public long Failed { get; private set; }

    public void Add(TableEntity row)
    {
        var status = row.GetString("Status");
        var ms = row.GetDouble("Ms") ?? 0.0;
        if (status == SampleStatus.Succeeded)
        {
            Succeeded++;
            _accumulator.Add(row.GetInt64("I") ?? 0, row.GetInt64("U") ?? 0);
            _latencies.Add(ms);
        }
        else
        {
            // Anything not succeeded is failed: a row is only written in a final state.
            Failed++;
        }
        if (row.GetDateTimeOffset("CompletedUtc") is { } end)
        {
            var start = end - TimeSpan.FromMilliseconds(ms);
            _firstStart = _firstStart is null || start < _firstStart ? start : _firstStart;
            _lastEnd = _lastEnd is null || end > _lastEnd ? end : _lastEnd;
        }
    }

    public RunMetrics ToMetrics(StoredManifest stored, RunState state, DateTimeOffset now, DateTimeOffset? completed)
    {
        var expected = stored.Manifest.ExpectedSentences;
        var seconds = _firstStart is { } first && _lastEnd is { } last ? (last - first).TotalSeconds : 0.0;
        return new RunMetrics
        {
            Run = stored.Manifest.Run,
            State = state,
            Counts = new SentenceCounts(expected, Succeeded, Failed, Math.Max(0, expected - Succeeded - Failed)),
            OverallIou = _accumulator.OverallIou,
            MeanIou = _accumulator.MeanIou,
            Precision = _accumulator.PrecisionByThreshold(),
            CumI = _accumulator.SumIntersection,
            CumU = _accumulator.SumUnion,
            ThroughputSentencesPerSecond = seconds > 0 ? (Succeeded + Failed) / seconds : 0.0,
            LatencyMs = new LatencyPercentiles(
                Percentiles.Of(_latencies, 50), Percentiles.Of(_latencies, 90), Percentiles.Of(_latencies, 99)),
            StartedUtc = stored.Manifest.CreatedUtc,
            UpdatedUtc = now,
            CompletedUtc = completed,
            ManifestSha256 = stored.Sha256,
        };
    }
}
