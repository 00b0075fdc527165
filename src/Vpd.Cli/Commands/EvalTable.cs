using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vpd.Core.Metrics;

namespace Vpd.Cli.Commands;

/// <summary>Renders <c>vpd eval</c>'s results: a percent table for people, fractions in JSON for scripts.</summary>
internal static class EvalTable
{
    public static string Text(EvalHeader header, IReadOnlyList<EvalRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{header.Dataset} {header.Split}, {Path.GetFileName(header.Checkpoint)} (sha256 {header.Sha256[..12]}), T = {header.NoiseStep}, noise seed {header.NoiseSeed}, {header.Device} {header.DType}, S = {header.ImageSize}");
        var thresholds = IouAccumulator.Thresholds.Select((_, i) => "P@" + IouAccumulator.ThresholdKey(i)).ToList();
        string[] columns = ["", "oIoU", "mIoU", .. thresholds, "sentences"];
        var table = new List<string[]> { columns };
        foreach (var row in rows)
        {
            var m = row.Metrics;
            table.Add([
                row.Name, Percent(m.OverallIou), Percent(m.MeanIou),
                .. Enumerable.Range(0, IouAccumulator.Thresholds.Count).Select(i => Percent(m.Precision(i))),
                m.Count.ToString(CultureInfo.InvariantCulture),
            ]);
        }
        var widths = Enumerable.Range(0, columns.Length).Select(c => table.Max(r => r[c].Length)).ToArray();
        foreach (var line in table)
        {
            text.AppendLine(string.Join("  ", line.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        }
        return text.ToString();
    }

    public static string Json(EvalHeader header, IReadOnlyList<EvalRow> rows)
    {
        var array = new JsonArray();
        foreach (var row in rows)
        {
            var precision = new JsonObject();
            foreach (var (key, value) in row.Metrics.PrecisionByThreshold())
            {
                precision[key] = value;
            }
            array.Add(new JsonObject
            {
                ["name"] = row.Name,
                ["sentences"] = row.Metrics.Count,
                ["oIoU"] = row.Metrics.OverallIou,
                ["mIoU"] = row.Metrics.MeanIou,
                ["precision"] = precision,
                ["seconds"] = Math.Round(row.Elapsed.TotalSeconds, 3),
            });
        }
        var root = new JsonObject
        {
            ["dataset"] = header.Dataset,
            ["split"] = header.Split,
            ["checkpoint"] = header.Checkpoint,
            ["sha256"] = header.Sha256,
            ["noiseStep"] = header.NoiseStep,
            ["noiseSeed"] = header.NoiseSeed,
            ["device"] = header.Device,
            ["dtype"] = header.DType,
            ["imageSize"] = header.ImageSize,
            ["rows"] = array,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
    }

    public static string Percent(double fraction) => (100 * fraction).ToString("0.00", CultureInfo.InvariantCulture);
}
