using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vpd.Core.Contracts;

namespace Vpd.Cli.Common;

/// <summary>
/// Prints runs in the layout of the seed report's Table 1 (oIoU, P@0.5..0.9) followed by mIoU and the
/// counts that say how complete each row is. Percent with two decimals when printed; the JSON form
/// keeps the stored fractions.
/// </summary>
public static class MetricsTable
{
    public static readonly string[] Thresholds = ["0.5", "0.6", "0.7", "0.8", "0.9"];

    public static string Render(IReadOnlyList<RunReport> reports)
    {
        string[] header = ["run", "T", "oIoU", .. Thresholds.Select(k => $"P@{k}"), "mIoU", "expected", "succeeded", "failed", "pending", "state"];
        var rows = reports.Select(r => (string[])
        [
            r.Metrics.Run,
            Invariant(r.Manifest.NoiseStep),
            Percent(r.Metrics.OverallIou),
            .. Thresholds.Select(k => Percent(r.Metrics.Precision.TryGetValue(k, out var p) ? p : double.NaN)),
            Percent(r.Metrics.MeanIou),
            Invariant(r.Metrics.Counts.Expected),
            Invariant(r.Metrics.Counts.Succeeded),
            Invariant(r.Metrics.Counts.Failed),
            Invariant(r.Metrics.Counts.Pending),
            StateName(r.Metrics.State),
        ]).ToList();
        var widths = header.Select((h, i) => rows.Select(row => row[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        AppendRow(text, header, widths);
        AppendRow(text, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in rows)
        {
            AppendRow(text, row, widths);
        }
        var incomplete = reports.Where(r => r.Metrics.State != RunState.Complete).Select(r => r.Metrics.Run).ToList();
        if (incomplete.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"not complete: {string.Join(", ", incomplete)} (metrics cover the succeeded sentences only)");
        }
        return text.ToString();
    }

    /// <summary>Each run's stored metrics (fractions) with its noise step and model from the manifest.</summary>
    public static string ToJson(IReadOnlyList<RunReport> reports)
    {
        var array = new JsonArray(reports.Select(r => (JsonNode)new JsonObject
        {
            ["run"] = r.Metrics.Run,
            ["noiseStep"] = r.Manifest.NoiseStep,
            ["noiseSeed"] = r.Manifest.NoiseSeed,
            ["model"] = r.Manifest.Model.Kind,
            ["modelSha256"] = r.Manifest.Model.Sha256,
            ["dataset"] = r.Manifest.Dataset,
            ["split"] = r.Manifest.Split,
            ["metrics"] = JsonNode.Parse(r.Metrics.ToUtf8Json()),
        }).ToArray());
        return array.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public static string StateName(RunState state) => JsonNamingPolicy.CamelCase.ConvertName(state.ToString());

    public static string Percent(double fraction) =>
        double.IsNaN(fraction) ? "-" : (fraction * 100).ToString("F2", CultureInfo.InvariantCulture);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        // The run id left-aligned, numbers right-aligned, as in the report's table.
        text.AppendLine(string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());
    }
}
