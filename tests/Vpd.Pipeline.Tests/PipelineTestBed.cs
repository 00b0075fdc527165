using Azure.Data.Tables;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Masks;
using Vpd.Core.Metrics;
using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Enqueue;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

/// <summary>
/// One isolated pipeline per test: storage names with a unique prefix in the shared Azurite, the
/// threshold segmenter, small generated JPEGs and truth masks, a fake model file.
/// </summary>
internal sealed class PipelineTestBed : IDisposable
{
    public const int Size = 16;
    public const string Dataset = "refshapes";

    private readonly TempDir _dir = new("vpd-pipeline");

    public PipelineTestBed(AzuriteFixture azurite, ISegmenterFactory? segmenters = null, AggregatorOptions? aggregator = null)
    {
        Names = StorageNames.WithPrefix($"t{Guid.NewGuid():N}"[..12]);
        Storage = StorageClients.FromConnectionString(azurite.ConnectionString, Names);
        Segmenters = segmenters ?? new ThresholdSegmenter.Factory();
        Services = new PipelineServices(
            Storage, Segmenters,
            // Queue visibility delays have whole-second resolution: 1 s is the shortest real recheck delay.
            aggregator ?? new AggregatorOptions { RecheckDelay = TimeSpan.FromSeconds(1), MaxChecksWithoutProgress = 30 },
            Path.Combine(_dir.Path, "model-cache"));
        ModelFile = _dir.File("model.safetensors");
        File.WriteAllBytes(ModelFile, Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray());
    }

    public StorageNames Names { get; }

    public StorageClients Storage { get; }

    public ISegmenterFactory Segmenters { get; }

    public PipelineServices Services { get; }

    public string ModelFile { get; }

    /// <summary>Referred objects over <paramref name="images"/> images, 1..3 sentences each, deterministic.</summary>
    public IReadOnlyList<ReferredObject> Objects(int count, int images = 3)
    {
        var paths = Enumerable.Range(0, images).Select(WriteImage).ToList();
        return Enumerable.Range(0, count).Select(i => new ReferredObject(
            $"ref{i}", $"img{i % images}", paths[i % images], Truth(i),
            Enumerable.Range(0, 1 + (i % 3)).Select(k => new SentenceItem(k, $"object {i} sentence {k}{new string('!', i + k)}")).ToList()))
            .ToList();
    }

    public EnqueueRequest Request(string run, IReadOnlyList<ReferredObject> objects) => new()
    {
        Run = run,
        Dataset = Dataset,
        Split = "val",
        Model = ModelFile,
        ModelKind = ThresholdSegmenter.Kind,
        ModelConfigJson = "{}",
        TokenLength = 20,
        ImageSize = Size,
        NoiseStep = 0,
        NoiseSeed = 7,
        CodeVersion = "test",
        Objects = objects,
        FirstAggregateDelay = TimeSpan.Zero,
    };

    /// <summary>The run's metrics computed in this process with the same segmenter, no storage involved.</summary>
    public static IouAccumulator InProcessMetrics(EnqueueRequest request)
    {
        var accumulator = new IouAccumulator();
        foreach (var (_, masks, truth) in InProcessMasks(request))
        {
            foreach (var mask in masks)
            {
                accumulator.Add(IouCounts.Compute(mask, truth));
            }
        }
        return accumulator;
    }

    public static IEnumerable<(ReferredObject Object, IReadOnlyList<BinaryMask> Masks, BinaryMask Truth)> InProcessMasks(EnqueueRequest request)
    {
        var manifest = new RunManifest
        {
            Run = request.Run, Model = new ModelSpec(request.ModelKind, "{}", "x", new string('0', 64)), TokenLength = request.TokenLength,
            ImageSize = request.ImageSize, NoiseStep = request.NoiseStep, NoiseSeed = request.NoiseSeed, Dataset = request.Dataset,
            Split = request.Split, ExpectedSentences = 0, ExpectedObjects = 0, Device = "cpu", Dtype = "float32", CodeVersion = "test",
            CreatedUtc = DateTimeOffset.UnixEpoch,
        };
        var segmenter = new ThresholdSegmenter();
        foreach (var o in request.Objects)
        {
            var image = ImageFiles.LoadRgb(o.ImagePath);
            yield return (o, segmenter.Segment(manifest, o.ImageId, image, o.Sentences.Select(s => s.Text).ToList(), default), o.Truth);
        }
    }

    public async Task<List<TableEntity>> RowsAsync(string partition)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Storage.Samples.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}")))
        {
            rows.Add(row);
        }
        return rows.OrderBy(r => r.RowKey, StringComparer.Ordinal).ToList();
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds} s waiting for {what}");
            }
            await Task.Delay(50);
        }
    }

    public string WriteImage(int index)
    {
        var path = _dir.File($"image{index}.jpg");
        using var image = new Image<Rgb24>(24 + (index * 5), 20 + (index * 3));
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                image[x, y] = new Rgb24((byte)(x * 255 / image.Width), (byte)(y * 255 / image.Height), (byte)((x + y + (index * 40)) % 256));
            }
        }
        image.SaveAsJpeg(path);
        return path;
    }

    private static BinaryMask Truth(int index)
    {
        var mask = new BinaryMask(Size, Size);
        for (var y = index % 4; y < Size - 2; y++)
        {
            for (var x = 3 + (index % 5); x < Size; x++)
            {
                mask.Pixels[(y * Size) + x] = 1;
            }
        }
        return mask;
    }

    public void Dispose()
    {
        Services.Dispose();
        _dir.Dispose();
    }
}
