using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Masks;
using Vpd.Model;
using Vpd.Model.Checkpoints;
using Vpd.Model.Inference;

namespace Vpd.Pipeline.Segmentation;

/// <summary>
/// Serves runs of a VPD model file through <see cref="ObjectSegmenter"/>, the same inference code
/// <c>vpd eval</c> uses, so the queue pipeline and in-process evaluation give identical masks.
/// </summary>
public sealed class ModelSegmenterFactory : ISegmenterFactory
{
    /// <summary>Loads the model once (the <see cref="ModelCache"/> calls this once per model hash and process).</summary>
    public ISegmenter Create(RunManifest manifest, string modelFile)
    {
        var options = SegmenterOptions.Parse(manifest.Device, manifest.Dtype);
        var model = VpdModelFile.LoadForInference(modelFile, options.Device, options.DType);
        return new ModelSegmenter(model, options);
    }

    /// <summary>
    /// One loaded model shared by every run of that model in this process. The noise step and seed are
    /// per run (a noise-step sweep is several runs of one model), so each (step, seed) gets its own
    /// <see cref="ObjectSegmenter"/> over the shared weights. One lock: the model's attention capture
    /// has per-forward state, and a GPU gains nothing from interleaving two objects.
    /// </summary>
    private sealed class ModelSegmenter(VpdModel model, SegmenterOptions baseOptions) : ISegmenter, IDisposable
    {
        private readonly Dictionary<(int Step, long Seed), ObjectSegmenter> _byNoise = [];
        private readonly Lock _gate = new();

        public IReadOnlyList<BinaryMask> Segment(
            RunManifest manifest, string imageId, RgbImage image, IReadOnlyList<string> sentences,
            CancellationToken cancellationToken)
        {
            if (manifest.ImageSize != model.Config.Refer.ImageSize)
            {
                throw new InvalidDataException(
                    $"run '{manifest.Run}' expects {manifest.ImageSize} px masks but the model segments at {model.Config.Refer.ImageSize} px");
            }
            lock (_gate)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var key = (manifest.NoiseStep, manifest.NoiseSeed);
                if (!_byNoise.TryGetValue(key, out var segmenter))
                {
                    segmenter = new ObjectSegmenter(model, baseOptions with { NoiseStep = key.NoiseStep, NoiseSeed = key.NoiseSeed });
                    _byNoise[key] = segmenter;
                }
                return segmenter.Segment(imageId, image, sentences).Masks;
            }
        }

        public void Dispose()
        {
            foreach (var segmenter in _byNoise.Values)
            {
                segmenter.Dispose();
            }
            model.Dispose();
        }
    }
}
