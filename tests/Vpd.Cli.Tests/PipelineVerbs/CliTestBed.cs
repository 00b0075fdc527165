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

    public StorageNames Names => StorageNames.WithPrefix(Prefix);

    public StorageClients Clients => StorageClients.FromConnectionString(Connection, Names);

    public PipelineStorage Storage => new(Clients);

    /// <summary>The storage options every pipeline verb gets in these tests.</summary>
    public string[] StorageArgs => ["--connection", Connection, "--storage-prefix", Prefix];

    public string[] EnqueueArgs(string run, params string[] extra) =>
    [
        "enqueue", "--data", DataRoot, "--dataset", "refshapes", "--split", "val", "--run", run, "--model", ModelFile,
        "--segmenter", "threshold", "--image-size", Size.ToString(System.Globalization.CultureInfo.InvariantCulture),
        .. extra, .. StorageArgs,
    ];

    public string[] WorkArgs(string run) => ["work", "--run", run, "--workers", "2", .. StorageArgs];

    public ReferDataset Dataset => ReferDataset.Load(DataRoot, "refshapes");

    /// <summary>The val split's metrics computed in this process with the threshold segmenter, no storage involved.</summary>
    public IouAccumulator InProcessMetrics()
    {
        var dataset = Dataset;
        var accumulator = new IouAccumulator();
        foreach (var item in dataset.Refs("val"))
        {
            var image = ImageFiles.LoadRgb(dataset.ImagePath(item.ImageId));
            var truth = EvalTransform.ResizeTruth(dataset.TruthMask(item.RefId), Size);
            foreach (var mask in ThresholdSegmenter.Masks(image, Size, item.Sentences.Select(s => s.Sent)))
            {
                accumulator.Add(IouCounts.Compute(mask, truth));
            }
        }
        return accumulator;
    }

    public int ValSentences => Dataset.Samples("val").Count;

    public void Dispose() => _dir.Dispose();
}
