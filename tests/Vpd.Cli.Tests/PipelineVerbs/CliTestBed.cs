using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Metrics;
using Vpd.Core.Refer;
using Vpd.Core.Synthetic;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;

namespace Vpd.Cli.Tests.PipelineVerbs;

/// <summary>
/// A small RefShapes dataset on disk, a placeholder model file for threshold runs, and storage options
/// that isolate this test's containers, queues and tables in the shared Azurite.
/// </summary>
internal sealed class CliTestBed : IDisposable
{
    public const int Size = 32;

    private readonly TempDir _dir = new("vpd-cli");

    public CliTestBed(AzuriteFixture azurite)
    {
        Connection = azurite.ConnectionString;
        Prefix = $"c{Guid.NewGuid():N}"[..12];
        DataRoot = _dir.Path;
        RefShapesGenerator.Write(DataRoot, new RefShapesOptions
        {
            TrainImages = 0, ValImages = 3, TestAImages = 0, TestBImages = 1, ImageSize = 64, MaxShapeSize = 24,
        });
        ModelFile = _dir.File("threshold.model");
        File.WriteAllText(ModelFile, "placeholder model for threshold runs");
    }

    public string Connection { get; }

    public string Prefix { get; }

    public string DataRoot { get; }

    public string ModelFile { get; }

    public StorageClients Storage => StorageClients.FromConnectionString(Connection, StorageNames.WithPrefix(Prefix));

    /// <summary>The storage options every pipeline verb gets in these tests.</summary>
    public string[] StorageArgs => ["--connection", Connection, "--storage-prefix", Prefix];

    public string[] EnqueueArgs(string run, params string[] extra) =>
    [
        "enqueue", "--data", DataRoot, "--dataset", "refshapes", "--split", "val", "--run", run, "--model", ModelFile,
        "--segmenter", "threshold", "--image-size", Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
        .. extra, .. StorageArgs,
    ];

    public string[] WorkArgs(string run) => ["work", "--run", run, "--segmenter", "threshold", "--workers", "2", .. StorageArgs];

    public ReferDataset Dataset => ReferDataset.Load(DataRoot, "refshapes");

    /// <summary>The val split's metrics computed in this process with the threshold segmenter, no storage involved.</summary>
    public IouAccumulator InProcessMetrics()
    {
        var dataset = Dataset;
        var manifest = new RunManifest
        {
            Run = "local", Model = new ModelSpec(ThresholdSegmenter.Kind, "{}", "x", new string('0', 64)), TokenLength = 1,
            ImageSize = Size, NoiseStep = 0, NoiseSeed = 0, Dataset = "refshapes", Split = "val", ExpectedSentences = 0,
            ExpectedObjects = 0, Device = "cpu", Dtype = "float32", CodeVersion = "test", CreatedUtc = DateTimeOffset.UnixEpoch,
        };
        var accumulator = new IouAccumulator();
        var segmenter = new ThresholdSegmenter();
        foreach (var item in dataset.Refs("val"))
        {
            var path = dataset.ImagePath(item.ImageId);
            var image = ImageFiles.LoadRgb(path);
            var truth = EvalTransform.ResizeTruth(dataset.TruthMask(item.RefId), Size);
            foreach (var mask in segmenter.Segment(manifest, item.ImageId.ToString(System.Globalization.CultureInfo.InvariantCulture), image,
                         item.Sentences.Select(s => s.Sent).ToList(), default))
            {
                accumulator.Add(IouCounts.Compute(mask, truth));
            }
        }
        return accumulator;
    }

    public int ValSentences => Dataset.Samples("val").Count;

    public void Dispose() => _dir.Dispose();
}
