using Vpd.Core.Contracts;

namespace Vpd.Pipeline.Storage;

/// <summary>
/// Blob names and table keys of the pipeline (ARCHITECTURE.md, "Blob containers"). Blob names are
/// relative to their container (inputs, models, runs). Every id is validated, so no name can leave
/// its folder or collide with another kind of blob.
/// </summary>
public static class StorageLayout
{
    /// <summary>PartitionKey of every VpdRuns row.</summary>
    public const string RunsPartition = "runs";

    /// <summary>VpdSamples partition for messages that name no valid run or object.</summary>
    public const string MalformedPartition = "_malformed";

    /// <summary>In the inputs container: <c>{dataset}/images/{imageId}.jpg</c>.</summary>
    public static string ImageBlob(string dataset, string imageId) =>
        $"{Ids.Validate(dataset, "dataset")}/images/{Ids.Validate(imageId, "imageId")}.jpg";

    /// <summary>In the inputs container: <c>{dataset}/truth/{refId}.png</c>, a mask PNG at S x S.</summary>
    public static string TruthBlob(string dataset, string refId) =>
        $"{Ids.Validate(dataset, "dataset")}/truth/{Ids.Validate(refId, "refId")}.png";

    /// <summary>In the runs container: <c>{run}/manifest.json</c>.</summary>
    public static string ManifestBlob(string run) => $"{Ids.Validate(run, "run")}/manifest.json";

    /// <summary>In the runs container: <c>{run}/masks/{refId}-{sentenceIndex}.png</c>.</summary>
    public static string MaskBlob(string run, string refId, int sentenceIndex) =>
        $"{Ids.Validate(run, "run")}/masks/{SampleKey(refId, sentenceIndex)}.png";

    /// <summary>In the runs container: <c>{run}/metrics.json</c>.</summary>
    public static string MetricsBlob(string run) => $"{Ids.Validate(run, "run")}/metrics.json";

    /// <summary>In the models container: <c>{sha256}.safetensors</c>.</summary>
    public static string ModelBlob(string sha256) => $"{Ids.ValidateSha256(sha256, "model sha256")}.safetensors";

    /// <summary>
    /// VpdSamples RowKey: <c>{refId}-{sentenceIndex}</c>. Unambiguous because the index has no '-':
    /// the last '-' separates it.
    /// </summary>
    public static string SampleKey(string refId, int sentenceIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sentenceIndex);
        return $"{Ids.Validate(refId, "refId")}-{sentenceIndex}";
    }
}
