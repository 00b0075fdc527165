using Vpd.Core.Contracts;
using Vpd.Pipeline.Hosting;

namespace Vpd.Pipeline.Segmentation;

/// <summary>
/// Chooses the segmenter from the run's manifest: runs enqueued with the model-free <see cref="ThresholdSegmenter.Kind"/>
/// (pipeline benchmarks, tests) get the threshold segmenter, every other model kind the VPD model, so one worker serves
/// both kinds of run. This is what the Functions app and <c>vpd work</c> register.
/// </summary>
public sealed class SegmenterFactoryByKind(ISegmenterFactory model) : ISegmenterFactory
{
    private readonly ThresholdSegmenter.Factory _threshold = new();

    public ISegmenter Create(RunManifest manifest, string modelFile, HostSettings host) =>
        manifest.Model.Kind == ThresholdSegmenter.Kind
            ? _threshold.Create(manifest, modelFile, host)
            : model.Create(manifest, modelFile, host);
}
