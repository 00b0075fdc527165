using Vpd.Core.Contracts;
using Vpd.Core.Metrics;

namespace Vpd.Pipeline.Storage;

/// <summary>The two final states of a sentence.</summary>
public enum SampleStatus
{
    Succeeded,
    Failed,
}

/// <summary>
/// One sentence's result in a run (a VpdSamples row): written once the sentence reached a final state, with what a
/// caption needs (sentence index, <c>sent_id</c>, text) so a report needs no dataset files. <see cref="SampleStore"/>
/// owns how it is stored.
/// </summary>
public sealed record SampleRow
{
    public required string Run { get; init; }

    public required SampleId Id { get; init; }

    public required SampleStatus Status { get; init; }

    public required DateTimeOffset CompletedUtc { get; init; }

    public long? SentId { get; init; }

    public string? Text { get; init; }

    public string? ImageId { get; init; }

    public long Intersection { get; init; }

    public long Union { get; init; }

    public double Iou { get; init; }

    /// <summary>This sentence's share of its object's segmentation time.</summary>
    public double Ms { get; init; }

    /// <summary>Why the sentence failed (null when it succeeded).</summary>
    public string? Error { get; init; }

    /// <summary>Delivery of the queue message that wrote the row (1 = first).</summary>
    public long DequeueCount { get; init; }

    /// <summary>The device that segmented it (the host's, e.g. "cpu" or "cuda"); null for failed rows.</summary>
    public string? Device { get; init; }

    /// <summary>Whether the sentence's cross-attention maps were stored beside its mask.</summary>
    public bool HasAttention { get; init; }

    public static SampleRow Succeeded(
        string run, string refId, string imageId, Sentence sentence, IouCounts counts, double ms, DateTimeOffset now,
        long dequeueCount, string device, bool hasAttention) => new()
    {
        Run = run,
        Id = new SampleId(refId, sentence.Index),
        Status = SampleStatus.Succeeded,
        CompletedUtc = now,
        SentId = sentence.SentId,
        Text = sentence.Text,
        ImageId = imageId,
        Intersection = counts.Intersection,
        Union = counts.Union,
        Iou = counts.Iou,
        Ms = ms,
        DequeueCount = dequeueCount,
        Device = device,
        HasAttention = hasAttention,
    };

    /// <param name="sentence">The sentence when known; a row for an unreadable message may know only its index.</param>
    public static SampleRow Failed(
        string run, string refId, int index, Sentence? sentence, string? imageId, string error, DateTimeOffset now, long dequeueCount) => new()
    {
        Run = run,
        Id = new SampleId(refId, index),
        Status = SampleStatus.Failed,
        CompletedUtc = now,
        SentId = sentence?.SentId,
        Text = sentence?.Text,
        ImageId = imageId,
        Error = error,
        DequeueCount = dequeueCount,
    };
}
