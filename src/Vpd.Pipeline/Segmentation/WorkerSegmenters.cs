namespace Vpd.Pipeline.Segmentation;

/// <summary>
/// The segmenter factory that the Functions app and <c>vpd work</c> register: threshold runs (pipeline
/// benchmarks) get the model-free segmenter, every other run the VPD model through
/// <see cref="ModelSegmenterFactory"/>.
/// </summary>
public static class WorkerSegmenters
{
    public static SegmenterFactoryByKind Create() => new(new ModelSegmenterFactory());
}
