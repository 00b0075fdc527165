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

    public string Table()
    {
        string[] header = ["T", "seed", "oIoU", .. MetricsTable.Thresholds.Select(k => $"P@{k}"), "mIoU", "train oIoU", "gap", "val n", "train n", "train min"];
        var rows = Rows.Select(r => (string[])
        [
            Invariant(r.Head.NoiseStep),
            Invariant(r.Head.Seed),
            MetricsTable.Percent(r.Val.OverallIou),
            .. MetricsTable.Thresholds.Select(k => MetricsTable.Percent(r.Val.Precision.TryGetValue(k, out var p) ? p : double.NaN)),
            MetricsTable.Percent(r.Val.MeanIou),
            r.Train is null ? "-" : MetricsTable.Percent(r.Train.OverallIou),
            r.Gap is { } gap ? MetricsTable.Percent(gap) : "-",
            Invariant(r.Val.Counts.Succeeded),
            r.Train is null ? "-" : Invariant(r.Train.Counts.Succeeded),
            r.TrainingMinutes.ToString("F1", CultureInfo.InvariantCulture),
        ]).ToList();
        var widths = header.Select((h, i) => rows.Select(row => row[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        Append(text, header, widths);
        Append(text, [.. widths.Select(w => new string('-', w))], widths);
        foreach (var row in rows)
        {
            Append(text, row, widths);
        }
        text.AppendLine(CultureInfo.InvariantCulture,
            $"oIoU, P@k and mIoU on {Plan.Evaluation.ValSplit} in percent; train oIoU on the first {Plan.Evaluation.TrainLimit} training objects; gap = train - val");
        return text.ToString();
    }

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
