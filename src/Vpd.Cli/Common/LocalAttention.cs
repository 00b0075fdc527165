using Vpd.Core.Attention;
using Vpd.Core.Contracts;
using Vpd.Model.Checkpoints;
using Vpd.Model.Inference;
using Vpd.Pipeline.Storage;
using Vpd.Reports.Report;

namespace Vpd.Cli.Common;

/// <summary>
/// A sentence's cross-attention maps computed here, for a run that did not store them: the run's own model file
/// (checked against the hash its manifest pins), its noise step and seed, the image it read.
/// </summary>
public static class LocalAttention
{
    /// <exception cref="ArgumentException">The file is not the run's model, or the sentence is not the run's.</exception>
    public static async Task<AttentionMaps> ComputeAsync(CliPipeline pipeline, RunManifest manifest, SampleKey key, string modelFile, CancellationToken cancellationToken)
    {
        if (!File.Exists(modelFile))
        {
            throw new FileNotFoundException($"--model {modelFile}: file not found", modelFile);
        }
        var sha = await ModelStore.Sha256OfFileAsync(modelFile, cancellationToken);
        if (sha != manifest.Model.Sha256)
        {
            throw new ArgumentException($"--model {modelFile} has SHA-256 {sha}, but run '{manifest.Run}' used model {manifest.Model.Sha256}");
        }
        var storage = pipeline.Storage;
        var objects = await storage.Runs.GetObjectsAsync(await storage.Runs.GetManifestAsync(manifest.Run, cancellationToken), cancellationToken);
        var item = objects.Find(key.RefId)
            ?? throw new ArgumentException($"refId '{key.RefId}' is not in run '{manifest.Run}'");
        var sentence = item.Sentences.FirstOrDefault(s => s.Index == key.SentenceIndex)
            ?? throw new ArgumentException($"refId '{key.RefId}' of run '{manifest.Run}' has no sentence {key.SentenceIndex}");
        var image = await storage.Inputs.ReadImageAsync(manifest.Dataset, item.ImageId, item.ImageSha256, cancellationToken);
        var host = Vpd.Cli.Commands.WorkCommand.Host(device: null);
        VpdModelFile.Validate(modelFile);
        using var segmenter = ObjectSegmenter.Load(modelFile, SegmenterOptions.Parse(host.Device, manifest.Dtype, manifest.NoiseStep, manifest.NoiseSeed));
        var result = segmenter.Segment(item.ImageId, image, [sentence.Text], withAttention: true);
        return result.Attention![0].ToAttentionMaps(segmenter.Model.Tokenizer, sentence.Text);
    }
}
