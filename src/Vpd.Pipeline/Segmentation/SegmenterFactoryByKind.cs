using Vpd.Core.Contracts;

namespace Vpd.Pipeline.Segmentation;

/// <summary>
/// Chooses the segmenter from the run's manifest: runs enqueued with the model-free
/// <see cref="ThresholdSegmenter.Kind"/> (pipeline benchmarks, tests) get the threshold segmenter,
/// every other model kind the model segmenter, so one worker serves both kinds of run.
/// </summary>
public sealed class SegmenterFactoryByKind(ISegmenterFactory? model) : ISegmenterFactory
{
    private readonly ThresholdSegmenter.Factory _threshold = new();

    /// <summary>Whether runs of a real model can be served (a model segmenter was given).</summary>
    public bool HasModel => model is not null;

    /// <exception cref="InvalidDataException">The run needs a model segmenter and this worker has none.</exception>
    public ISegmenter Create(RunManifest manifest, string modelFile)
    {
        if (manifest.Model.Kind == ThresholdSegmenter.Kind)
        {
            return _threshold.Create(manifest, modelFile);
        }
        return model?.Create(manifest, modelFile)
            ?? throw new InvalidDataException(
                $"run '{manifest.Run}' uses model kind '{manifest.Model.Kind}', but this worker was built without a model segmenter " +
                $"(it serves only '{ThresholdSegmenter.Kind}' runs)");
    }
}
