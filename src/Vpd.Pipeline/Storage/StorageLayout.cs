using System.Globalization;
using Vpd.Core.Contracts;

namespace Vpd.Pipeline.Storage;

/// <summary>
/// Every blob name and table key of the pipeline, from validated ids, so no name can leave its folder or collide with
/// another kind of blob. Inputs are named by what they are (dataset, id, the evaluation size for a truth mask, and
/// the content's SHA-256): once written a name never holds other bytes, so no run can change another run's inputs.
/// Only the stores in this folder use it.
/// </summary>
internal static class StorageLayout
{
    /// <summary>PartitionKey of every VpdRuns row.</summary>
    public const string RunsPartition = "runs";

    /// <summary>VpdSamples partition for messages that name no valid run or object.</summary>
    public const string MalformedPartition = "_malformed";

    /// <summary>Inputs: <c>{dataset}/images/{imageId}/{sha256}</c>, the image file as the user gave it.</summary>
    public static string ImageBlob(string dataset, string imageId, string sha256) =>
        $"{Ids.Validate(dataset, "dataset")}/images/{Ids.Validate(imageId, "imageId")}/{Ids.ValidateSha256(sha256, "imageSha256")}";

    /// <summary>Inputs: <c>{dataset}/truth/{S}/{refId}/{sha256}.png</c>, the truth mask resized to S x S.</summary>
    public static string TruthBlob(string dataset, int size, string refId, string sha256) =>
        $"{Ids.Validate(dataset, "dataset")}/truth/{size.ToString(CultureInfo.InvariantCulture)}/{Ids.Validate(refId, "refId")}/{Ids.ValidateSha256(sha256, "truthSha256")}.png";

    public static string ManifestBlob(string run) => $"{Ids.Validate(run, "run")}/manifest.json";

    public static string ObjectsBlob(string run) => $"{Ids.Validate(run, "run")}/objects.json";

    public static string MetricsBlob(string run) => $"{Ids.Validate(run, "run")}/metrics.json";

    public static string ReportBlob(string run) => $"{Ids.Validate(run, "run")}/report.html";

    public static string MaskBlob(string run, SampleId sample) => $"{Ids.Validate(run, "run")}/masks/{sample}.png";

    public static string AttentionBlob(string run, SampleId sample) => $"{Ids.Validate(run, "run")}/attention/{sample}.bin";

    public static string ModelBlob(string sha256) => $"{Ids.ValidateSha256(sha256, "model sha256")}.safetensors";
}
