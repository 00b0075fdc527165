using System.Globalization;
using System.Text;
using System.Text.Json;
using Vpd.Cli.Common;
using Vpd.Core.Contracts;

namespace Vpd.Cli.Study;

/// <summary>One head's results: its validation metrics, its metrics on the training objects, and the time it took.</summary>
public sealed record StudyRow(StudyHead Head, RunMetrics Val, RunMetrics? Train, double TrainingMinutes)
{
    /// <summary>Training minus validation oIoU (positive: the head fits its training objects better than new ones).</summary>
    public double? Gap => Train is null ? null : Train.OverallIou - Val.OverallIou;
}

/// <summary>results.json of a study and the table it prints: the seed report's Table 1 with a train-val gap column.</summary>
public sealed record NoiseStudyResults(NoiseStudyPlan Plan, IReadOnlyList<StudyRow> Rows, double EvaluationMinutes, long SharedLatentHits, long SharedLatentMisses)
{
    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, ContractJson.IndentedOptions);

    /// <summary>
    /// Two lines per head (its validation run, then its run on training objects with the gap), then, for every step
    /// trained with several seeds, the spread of oIoU over those seeds.
    /// </summary>
    public string Table()
    {
        string[] header = ["T", "seed", "split", "oIoU", .. MetricsTable.Thresholds.Select(k => $"P@{k}"), "mIoU", "n", "gap", "train min"];
        var rows = new List<string[]>();
        foreach (var row in Rows)
        {
            rows.Add(Line(row, Plan.Evaluation.ValSplit, row.Val, "-", Minutes(row.TrainingMinutes)));
            if (row.Train is not null)
            {
                rows.Add(Line(row, Plan.TrainSplit, row.Train, MetricsTable.Percent(row.Gap!.Value), string.Empty));
            }
        }
        var widths = header.Select((h, i) => rows.Select(row => row[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        Append(text, header, widths);
        Append(text, [.. widths.Select(w => new string('-', w))], widths);
        foreach (var row in rows)
        {
            Append(text, row, widths);
        }
        text.AppendLine(CultureInfo.InvariantCulture,
            $"in percent; {Plan.TrainSplit}: the first {Plan.Evaluation.TrainLimit} objects of the training subset; gap = train - val oIoU; n = sentences");
        foreach (var step in Plan.Steps)
        {
            var seeds = Rows.Where(r => r.Head.NoiseStep == step).ToList();
            if (seeds.Count > 1)
            {
                var train = seeds.All(r => r.Train is not null) ? $"; {Spread(Plan.TrainSplit, seeds.Select(r => r.Train!.OverallIou))}" : string.Empty;
                text.AppendLine(CultureInfo.InvariantCulture, $"T = {step}, {seeds.Count} seeds: {Spread(Plan.Evaluation.ValSplit, seeds.Select(r => r.Val.OverallIou))}{train}");
            }
        }
        return text.ToString();
    }

    private static string[] Line(StudyRow row, string split, RunMetrics metrics, string gap, string minutes) =>
    [
        Invariant(row.Head.NoiseStep),
        Invariant(row.Head.Seed),
        split,
        MetricsTable.Percent(metrics.OverallIou),
        .. MetricsTable.Thresholds.Select(k => MetricsTable.Percent(metrics.Precision.TryGetValue(k, out var p) ? p : double.NaN)),
        MetricsTable.Percent(metrics.MeanIou),
        Invariant(metrics.Counts.Succeeded),
        gap,
        minutes,
    ];

    /// <summary>Mean and range of one split's oIoU over seeds, in percent.</summary>
    private static string Spread(string split, IEnumerable<double> values)
    {
        var list = values.ToList();
        return $"{split} oIoU mean {MetricsTable.Percent(list.Average())}, range {MetricsTable.Percent(list.Min())}..{MetricsTable.Percent(list.Max())}";
    }

    private static string Minutes(double minutes) => minutes.ToString("F2", CultureInfo.InvariantCulture);

    private static void Append(StringBuilder text, string[] cells, int[] widths)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            text.Append(i == 0 ? cells[i].PadLeft(widths[i]) : "  " + cells[i].PadLeft(widths[i]));
        }
        text.AppendLine();
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
