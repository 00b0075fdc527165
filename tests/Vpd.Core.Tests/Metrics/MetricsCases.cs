using System.Text.Json;
using Vpd.Core.Masks;
using Vpd.TestSupport;

namespace Vpd.Core.Tests.Metrics;

/// <summary>Reads golden metrics_cases.json (README section 9): sentences with masks and expected totals.</summary>
internal sealed class MetricsCases
{
    public required IReadOnlyList<MetricsCase> Sentences { get; init; }

    public required JsonElement Expected { get; init; }

    public static MetricsCases Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(RepoPaths.Golden("metrics_cases.json")));
        var sentences = doc.RootElement.GetProperty("sentences").EnumerateArray().Select(s => new MetricsCase(
            Mask(s.GetProperty("pred_rowmajor").GetString()!),
            Mask(s.GetProperty("truth_rowmajor").GetString()!),
            s.GetProperty("I").GetInt64(),
            s.GetProperty("U").GetInt64(),
            s.GetProperty("iou").GetDouble())).ToList();
        return new MetricsCases { Sentences = sentences, Expected = doc.RootElement.GetProperty("expected").Clone() };
    }

    /// <summary>A square mask from row-major digits ('0'/'1').</summary>
    public static BinaryMask Mask(string digits)
    {
        var side = (int)Math.Round(Math.Sqrt(digits.Length));
        Assert.Equal(digits.Length, side * side);
        return new BinaryMask(side, side, digits.Select(c => (byte)(c - '0')).ToArray());
    }
}

internal sealed record MetricsCase(BinaryMask Predicted, BinaryMask Truth, long I, long U, double Iou);
