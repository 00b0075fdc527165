using Vpd.Core.Contracts;
using Vpd.Model.Checkpoints;
using Vpd.Model.Config;
using Vpd.Pipeline.Enqueue;
using Vpd.Pipeline.Hosting;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;

namespace Vpd.Cli.Common;

/// <summary>What a run's manifest records about its model: kind, config JSON, token length and image size S.</summary>
public sealed record ModelDescription(string Kind, string ConfigJson, int TokenLength, int ImageSize)
{
    public const string Sd15Kind = "vpd-sd15";
    public const string TinyKind = "vpd-tiny";
    public const string CustomKind = "vpd";

    /// <summary>
    /// The description of <paramref name="modelSpec"/>: a local model file (its header is checked whole, its
    /// weights are not read) or <c>sha256:hex</c> of one in storage (fetched into the local model cache first).
    /// </summary>
    /// <exception cref="FileNotFoundException">The local file does not exist.</exception>
    /// <exception cref="InvalidDataException">Not a valid VPD model file, or the named blob is missing.</exception>
    public static async Task<ModelDescription> OfModelAsync(string modelSpec, PipelineStorage storage, CancellationToken cancellationToken)
    {
        var path = modelSpec;
        if (modelSpec.StartsWith(ModelStore.HashPrefix, StringComparison.Ordinal))
        {
            var sha = Vpd.Core.Contracts.Ids.ValidateSha256(modelSpec[ModelStore.HashPrefix.Length..], "--model sha256");
            path = await storage.Models.FetchAsync(sha, HostSettings.From(EnvironmentConfiguration.Current).ModelCacheDirectory, cancellationToken);
        }
        else if (!File.Exists(modelSpec))
        {
            throw new FileNotFoundException($"--model {modelSpec}: file not found (pass a model file or sha256:<hex>)", modelSpec);
        }
        // The whole file is checked here, so a model workers cannot load is refused before anything is enqueued.
        var config = VpdModelFile.Validate(path);
        return new ModelDescription(KindOf(config), config.ToJson().ToJsonString(), config.Refer.TokenLength, config.Refer.ImageSize);
    }

    /// <summary>The run settings of this model: its evaluation size and token length with the user's choices.</summary>
    public RunSettings Settings(string dataset, string split, int noiseStep, long noiseSeed, string dtype = "float32", string attention = AttentionChoice.None) =>
        new(dataset, split, ImageSize, TokenLength, noiseStep, noiseSeed, dtype, attention);

    /// <summary>The model as an enqueue request names it.</summary>
    public ModelChoice Choice(string model) => new(model, Kind, ConfigJson);

    /// <summary>The model-free threshold segmenter at S x S (pipeline benchmarks and tests).</summary>
    public static ModelDescription Threshold(int imageSize) => new(ThresholdSegmenter.Kind, "{}", 1, imageSize);

    private static string KindOf(VpdModelConfig config)
    {
        var refer = config.Refer.ToJson().ToJsonString();
        return refer == VpdReferConfig.Sd15.ToJson().ToJsonString() ? Sd15Kind
            : refer == VpdReferConfig.Tiny.ToJson().ToJsonString() ? TinyKind
            : CustomKind;
    }
}
