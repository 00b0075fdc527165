using Vpd.Core.Contracts;
using Vpd.Core.Metrics;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Aggregation;

/// <summary>
/// What the aggregator gathers from a run's rows: counts and metrics over the run's own sentences only, the rows
/// that name the run but are not in its sentence set counted apart, and which expected sentences have no row yet.
/// </summary>
internal sealed class RunTally(RunObjects objects)
{
    private readonly HashSet<SampleId> _expected = [.. objects.SampleIds()];
    private readonly HashSet<SampleId> _seen = [];
    private readonly IouAccumulator _accumulator = new();
    private readonly List<double> _latencies = [];
    private DateTimeOffset? _firstStart;
    private DateTimeOffset? _lastEnd;

    public long Succeeded { get; private set; }

    public long Failed { get; private set; }

    public long Foreign { get; private set; }

    public long Accounted => Succeeded + Failed;

    public void Add(SampleRow row)
    {
        if (!_expected.Contains(row.Id) || !_seen.Add(row.Id))
        {
            Foreign++;
            return;
        }
        if (row.Status == SampleStatus.Succeeded)
        {
            Succeeded++;
            _accumulator.Add(row.Intersection, row.Union);
            _latencies.Add(row.Ms);
        }
        else
        {
            Failed++;
        }
        var start = row.CompletedUtc - TimeSpan.FromMilliseconds(row.Ms);
        _firstStart = _firstStart is null || start < _firstStart ? start : _firstStart;
        _lastEnd = _lastEnd is null || row.CompletedUtc > _lastEnd ? row.CompletedUtc : _lastEnd;
    }

    /// <summary>Expected sentences with no row, in the run's own order.</summary>
    public IEnumerable<(RunObject Object, Sentence Sentence)> Missing() =>
        objects.Objects.SelectMany(o => o.Sentences.Where(s => !_seen.Contains(new SampleId(o.RefId, s.Index))).Select(s => (o, s)));

    public RunMetrics ToMetrics(StoredManifest stored, RunState state, DateTimeOffset now, DateTimeOffset? completed)
    {
        var expected = stored.Manifest.ExpectedSentences;
        var seconds = _firstStart is { } first && _lastEnd is { } last ? (last - first).TotalSeconds : 0.0;
        return new RunMetrics
        {
            Run = stored.Manifest.Run,
            State = state,
            Counts = new SentenceCounts(expected, Succeeded, Failed, Math.Max(0, expected - Succeeded - Failed), Foreign),
            OverallIou = _accumulator.OverallIou,
            MeanIou = _accumulator.MeanIou,
            Precision = _accumulator.PrecisionByThreshold(),
            CumI = _accumulator.SumIntersection,
            CumU = _accumulator.SumUnion,
            ThroughputSentencesPerSecond = seconds > 0 ? Accounted / seconds : 0.0,
            LatencyMs = new LatencyPercentiles(Percentiles.Of(_latencies, 50), Percentiles.Of(_latencies, 90), Percentiles.Of(_latencies, 99)),
            StartedUtc = stored.Manifest.CreatedUtc,
            UpdatedUtc = now,
            CompletedUtc = completed,
            ManifestSha256 = stored.Sha256,
        };
    }
}
