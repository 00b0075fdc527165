using Vpd.Core.Attention;
using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Model;
using Vpd.Model.Checkpoints;
using Vpd.Model.Inference;
using Vpd.Pipeline.Hosting;

namespace Vpd.Pipeline.Segmentation;

/// <summary>
/// Serves runs of a VPD model file through <see cref="ObjectSegmenter"/>, the same inference code <c>vpd eval</c>
/// uses, so the queue pipeline and in-process evaluation give identical masks. The device is the host's, the dtype
/// the run's.
/// </summary>
public sealed class ModelSegmenterFactory : ISegmenterFactory, IDisposable
{
    // One per process: models that share an image encoder (a noise-step study's heads on one backbone) share latents.
    private readonly SharedLatents _latents = new();

    /// <summary>Loads the model once (the <see cref="ModelCache"/> calls this once per model hash and process).</summary>
    public ISegmenter Create(RunManifest manifest, string modelFile, HostSettings host)
    {
        var options = SegmenterOptions.Parse(host.Device, manifest.Dtype) with { BatchSentences = host.BatchSentences };
        return new ModelSegmenter(ObjectSegmenter.Load(modelFile, options, host.ShareLatents ? _latents : null));
    }

    /// <summary>Latents served from the shared cache, and computed (what <c>VPD_SHARE_LATENTS</c> saves).</summary>
    public (long Hits, long Misses) SharedLatentCounts => (_latents.Hits, _latents.Misses);

    public void Dispose() => _latents.Dispose();

    /// <summary>
    /// One loaded model shared by every run of that model in this process: each call brings its run's noise step and
    /// seed, and the clean latents are cached by image content (and shared with other models of the same image
    /// encoder), so runs of several noise steps encode an image once.
    /// </summary>
    private sealed class ModelSegmenter(ObjectSegmenter segmenter) : ISegmenter, IDisposable
    {
        public IReadOnlyList<SegmentedSentence> Segment(
            RunManifest manifest, ImageInput image, IReadOnlyList<Sentence> sentences, bool withAttention, CancellationToken cancellationToken)
        {
            if (manifest.ImageSize != segmenter.ImageSize)
            {
                throw new InvalidDataException(
                    $"run '{manifest.Run}' expects {manifest.ImageSize} px masks but model {manifest.Model.Sha256} segments at {segmenter.ImageSize} px");
            }
            cancellationToken.ThrowIfCancellationRequested();
            var size = segmenter.ImageSize;
            var result = segmenter.Segment(new ObjectRequest(
                image.Id,
                () => EvalTransform.Normalize(EvalTransform.ResizeImage(image.Pixels, size)),
                [.. sentences.Select(s => s.Text)],
                withAttention,
                LatentKey: image.ContentKey,
                NoiseStep: manifest.NoiseStep,
                NoiseSeed: manifest.NoiseSeed));
            return [.. sentences.Select((sentence, i) => new SegmentedSentence(
                sentence, result.Masks[i],
                withAttention ? AttentionBlob.Encode(result.Attention![i].ToAttentionMaps(segmenter.Model.Tokenizer, sentence.Text)) : null))];
        }

        public void Dispose() => segmenter.Dispose();
    }
}
