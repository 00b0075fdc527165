using System.Collections.ObjectModel;
using System.Globalization;

namespace Vpd.Core.Metrics;

/// <summary>
/// Accumulates per-sentence intersection/union counts into the referring-segmentation metrics:
/// oIoU (sum I / sum U), mIoU (mean per-sentence IoU) and precision at IoU thresholds 0.5..0.9.
/// Keeps only partial sums, so accumulators filled by different workers can be merged; the result
/// does not depend on the order of sentences or merges (the IoU sum is exact, see <see cref="ExactSum"/>).
/// </summary>
public sealed class IouAccumulator
{
    /// <summary>The precision thresholds, as the literals the reference writes (0.5 and 0.9 are inclusive).</summary>
    public static IReadOnlyList<double> Thresholds { get; } = new ReadOnlyCollection<double>([0.5, 0.6, 0.7, 0.8, 0.9]);

    private readonly long[] _atThreshold = new long[Thresholds.Count];
    private readonly ExactSum _sumIou = new();

    public long Count { get; private set; }

    public long SumIntersection { get; private set; }

    public long SumUnion { get; private set; }

    /// <summary>Sum of per-sentence IoUs, rounded once.</summary>
    public double SumIou => _sumIou.ToDouble();

    /// <summary>Number of sentences with IoU >= <see cref="Thresholds"/>[i].</summary>
    public IReadOnlyList<long> CountsAtThreshold => _atThreshold;

    /// <summary>Overall IoU: sum I / sum U; 0 when nothing was accumulated or the total union is empty.</summary>
    public double OverallIou => SumUnion == 0 ? 0.0 : (double)SumIntersection / SumUnion;

    /// <summary>Mean per-sentence IoU; 0 when nothing was accumulated.</summary>
    public double MeanIou => Count == 0 ? 0.0 : _sumIou.ToDouble() / Count;

    /// <summary>Share of sentences with IoU >= <see cref="Thresholds"/>[index]; 0 when nothing was accumulated.</summary>
    public double Precision(int index) => Count == 0 ? 0.0 : (double)_atThreshold[index] / Count;

    /// <summary>Precision keyed by threshold text ("0.5" .. "0.9"), the form metrics.json uses.</summary>
    public IReadOnlyDictionary<string, double> PrecisionByThreshold()
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < Thresholds.Count; i++)
        {
            result[ThresholdKey(i)] = Precision(i);
        }
        return result;
    }

    public static string ThresholdKey(int index) => Thresholds[index].ToString("0.0", CultureInfo.InvariantCulture);

    public void Add(IouCounts counts) => Add(counts.Intersection, counts.Union);

    public void Add(long intersection, long union)
    {
        if (intersection < 0 || union < 0 || intersection > union)
        {
            throw new ArgumentOutOfRangeException(
                nameof(intersection), $"need 0 <= I <= U, got I = {intersection}, U = {union}");
        }
        var iou = new IouCounts(intersection, union).Iou;
        Count++;
        SumIntersection += intersection;
        SumUnion += union;
        _sumIou.Add(iou);
        for (var i = 0; i < Thresholds.Count; i++)
        {
            if (iou >= Thresholds[i])
            {
                _atThreshold[i]++;
            }
        }
    }

    public IouPartialSums ToPartialSums() =>
        new(Count, SumIntersection, SumUnion, _sumIou.ToString(), _atThreshold.ToArray());

    /// <exception cref="ArgumentException">Sums that no accumulator could have produced.</exception>
    public static IouAccumulator FromPartialSums(IouPartialSums sums)
    {
        if (sums.CountsAtThreshold.Count != Thresholds.Count || sums.Count < 0 || sums.SumIntersection < 0 ||
            sums.SumUnion < sums.SumIntersection || sums.CountsAtThreshold.Any(c => c < 0 || c > sums.Count))
        {
            throw new ArgumentException($"inconsistent partial IoU sums: {sums}", nameof(sums));
        }
        var accumulator = new IouAccumulator
        {
            Count = sums.Count,
            SumIntersection = sums.SumIntersection,
            SumUnion = sums.SumUnion,
        };
        accumulator._sumIou.Add(ExactSum.Parse(sums.SumIouExact));
        for (var i = 0; i < Thresholds.Count; i++)
        {
            accumulator._atThreshold[i] = sums.CountsAtThreshold[i];
        }
        return accumulator;
    }

    /// <summary>Adds another accumulator's partial sums into this one.</summary>
    public void Merge(IouAccumulator other)
    {
        Count += other.Count;
        SumIntersection += other.SumIntersection;
        SumUnion += other.SumUnion;
        _sumIou.Add(other._sumIou);
        for (var i = 0; i < _atThreshold.Length; i++)
        {
            _atThreshold[i] += other._atThreshold[i];
        }
    }
}
