using Azure.Data.Tables;
using Vpd.Core.Metrics;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Processing;

/// <summary>
/// VpdSamples rows: PartitionKey = run, RowKey = {refId}-{sentenceIndex}. Columns: RefId,
/// SentenceIndex, ImageId, Status, I, U, IoU, Ms, MaskBlob (succeeded); Error (failed); CompletedUtc.
/// Written with upsert-replace, so a redelivered message leaves exactly one row per sentence and no
/// stale column from an earlier attempt.
/// </summary>
public static class SampleRows
{
    /// <summary>Table string properties hold at most 32K characters; errors are cut well below that.</summary>
    public const int MaxErrorLength = 4000;

    public static TableEntity Succeeded(
        string run, string refId, int sentenceIndex, string imageId, IouCounts counts, double ms, string maskBlob, DateTimeOffset now) =>
        new(run, StorageLayout.SampleKey(refId, sentenceIndex))
        {
            ["RefId"] = refId,
            ["SentenceIndex"] = sentenceIndex,
            ["ImageId"] = imageId,
            ["Status"] = SampleStatus.Succeeded,
            ["I"] = counts.Intersection,
            ["U"] = counts.Union,
            ["IoU"] = counts.Iou,
            ["Ms"] = ms,
            ["MaskBlob"] = maskBlob,
            ["CompletedUtc"] = now,
        };

    public static TableEntity Failed(string run, string refId, int sentenceIndex, string? imageId, string error, DateTimeOffset now)
    {
        var row = new TableEntity(run, StorageLayout.SampleKey(refId, sentenceIndex))
        {
            ["RefId"] = refId,
            ["SentenceIndex"] = sentenceIndex,
            ["Status"] = SampleStatus.Failed,
            ["Error"] = Truncate(error),
            ["CompletedUtc"] = now,
        };
        if (imageId is not null)
        {
            row["ImageId"] = imageId;
        }
        return row;
    }

    public static string Truncate(string text) =>
        text.Length <= MaxErrorLength ? text : string.Concat(text.AsSpan(0, MaxErrorLength), "...");
}
