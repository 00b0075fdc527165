using System.Globalization;

namespace Vpd.Reports.Report;

/// <summary>
/// Succeeded sentences counted in ten IoU bins [0, 0.1), [0.1, 0.2), ..., [0.9, 1.0]. A sentence's bin is the
/// number of the literals 0.1 .. 0.9 its IoU reaches (<c>iou &gt;= t</c>, the comparison IouAccumulator makes),
/// so the bins from 0.5 up add up to exactly the sentences P@0.5 counts, with no rounding of iou * 10.
/// </summary>
public static class IouHistogram
{
    public const int Bins = 10;

    private static readonly double[] Edges = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

    public static long[] Of(IEnumerable<SentenceRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var counts = new long[Bins];
        foreach (var row in rows.Where(r => r.Status == SentenceStatus.Succeeded))
        {
            counts[Edges.Count(edge => row.Score >= edge)]++;
        }
        return counts;
    }

    /// <summary>The bin's label, "0.0-0.1" .. "0.9-1.0".</summary>
    public static string Label(int bin) =>
        string.Create(CultureInfo.InvariantCulture, $"{bin / 10.0:0.0}-{(bin + 1) / 10.0:0.0}");
}
