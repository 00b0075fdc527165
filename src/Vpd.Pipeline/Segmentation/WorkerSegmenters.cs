namespace Vpd.Pipeline.Segmentation;

/// <summary>
/// The segmenter factory that the Functions app and <c>vpd work</c> register: the one place where the
/// model segmenter is plugged into the queue pipeline.
/// </summary>
public static class WorkerSegmenters
{
    /// <summary>
    /// Threshold runs always; model runs once a model segmenter factory (the VPD model's
    /// <c>ObjectSegmenter</c> behind <see cref="ISegmenterFactory"/>) is passed here. This build has none,
    /// so a model run's sentences are recorded as failed with a reason that says so.
    /// </summary>
    public static SegmenterFactoryByKind Create() => new(model: null);
}
