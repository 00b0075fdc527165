using Vpd.Core.Contracts;

namespace Vpd.Reports.Report;

/// <summary>The final state of a sentence (the VpdSamples row's Status).</summary>
public enum SentenceStatus
{
    Succeeded,
    Failed,
}

/// <summary>A sentence's key within a run: its referred object and its index among that object's sentences.</summary>
public readonly record struct SampleKey(string RefId, int SentenceIndex)
{
    public override string ToString() => $"{RefId}-{SentenceIndex}";
}

/// <summary>
/// One per-sentence row as the report needs it (what a VpdSamples row holds, plus the sentence's text and
/// sent_id for captions). I and U are pixel counts at S x S; <paramref name="Iou"/> is I/U for a succeeded
/// sentence; <paramref name="Ms"/> its processing time; <paramref name="Error"/> the reason of a failure;
/// <paramref name="HasAttention"/> whether the run stored the sentence's attention maps; <paramref name="Device"/>
/// the device that segmented it (the worker's host's, not the run's).
/// </summary>
public sealed record SentenceRow(
    string RefId,
    int SentenceIndex,
    long? SentId,
    string? Text,
    string? ImageId,
    SentenceStatus Status,
    long I,
    long U,
    double? Iou,
    double? Ms,
    string? Error,
    bool HasAttention = false,
    string? Device = null)
{
    public SampleKey Key => new(RefId, SentenceIndex);

    /// <summary>The IoU the report ranks and captions by: <see cref="Iou"/>, else I/U (0 when U is 0).</summary>
    public double Score => Iou ?? (U == 0 ? 0.0 : (double)I / U);
}

/// <summary>
/// One run as the report reads it: its manifest and metrics as stored (runs/{run}/manifest.json and
/// metrics.json) and its per-sentence rows. <paramref name="Label"/> titles the run's column in comparisons
/// (default: the run id).
/// </summary>
public sealed record ReportRun(RunManifest Manifest, RunMetrics Metrics, IReadOnlyList<SentenceRow> Rows, string? Label = null)
{
    public string Name => Manifest.Run;

    public string Title => Label ?? Manifest.Run;

    /// <summary>The devices that segmented the run's sentences ("-" before any did): the host's, recorded per row.</summary>
    public string Devices =>
        Rows.Select(r => r.Device).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } devices
            ? string.Join(", ", devices)
            : "-";
}
