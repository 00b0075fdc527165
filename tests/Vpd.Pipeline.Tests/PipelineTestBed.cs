using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Masks;
using Vpd.Core.Metrics;
using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Enqueue;
using Vpd.Pipeline.Hosting;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Queues;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;
using Vpd.TestSupport;

namespace Vpd.Pipeline.Tests;

/// <summary>
/// One isolated pipeline per test, composed as the hosts compose it (<see cref="PipelineServiceCollectionExtensions.AddVpdPipeline"/>):
/// storage names with a unique prefix in the shared Azurite, the threshold segmenter unless a test gives another, small
/// generated JPEGs and truth masks, a fake model file, and every log line kept.
/// </summary>
internal sealed class PipelineTestBed : IDisposable
{
    public const int Size = 16;
    public const string Dataset = "refshapes";

    /// <summary>Quick polls and retries: the retry rules of <see cref="QueueSettings.Default"/> with test-sized delays.</summary>
    public static readonly WorkerOptions FastWorker = new()
    {
        Concurrency = 3,
        MinPollInterval = TimeSpan.FromMilliseconds(20),
        LeaseDuration = TimeSpan.FromSeconds(30),
        Queues = QueueSettings.Default with { RetryDelay = TimeSpan.Zero, MaxPollingInterval = TimeSpan.FromMilliseconds(200) },
    };

    private readonly TempDir _dir = new("vpd-pipeline");
    private readonly ServiceProvider _services;

    public PipelineTestBed(
        AzuriteFixture azurite, ISegmenterFactory? segmenters = null, AggregatorOptions? aggregator = null, WorkerOptions? worker = null,
        long decodedImageCacheBytes = InputStore.DefaultCacheBytes)
    {
        Names = StorageNames.WithPrefix($"t{Guid.NewGuid():N}"[..12]);
        Clients = StorageClients.FromConnectionString(azurite.ConnectionString, Names);
        Segmenters = segmenters ?? new ThresholdSegmenter.Factory();
        var collection = new ServiceCollection();
        collection.AddLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        collection.AddVpdPipeline(options =>
        {
            options.Storage = _ => Clients;
            options.Segmenters = Segmenters;
            // Queue visibility delays have whole-second resolution: 1 s is the shortest real recheck delay.
            options.Aggregator = aggregator ?? new AggregatorOptions { RecheckDelay = TimeSpan.FromSeconds(1), MaxChecksWithoutProgress = 30 };
            options.Worker = worker ?? FastWorker;
            options.Host = HostSettings.Cpu with { ModelCacheDirectory = Path.Combine(_dir.Path, "model-cache") };
            options.DecodedImageCacheBytes = decodedImageCacheBytes;
        });
        _services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        ModelFile = _dir.File("model.safetensors");
        File.WriteAllBytes(ModelFile, [.. Enumerable.Range(0, 1000).Select(i => (byte)(i * 7))]);
    }

    public TestLogs Logs { get; } = new();

    public StorageNames Names { get; }

    public StorageClients Clients { get; }

    public ISegmenterFactory Segmenters { get; }

    public string ModelFile { get; }

    public PipelineStorage Storage => Get<PipelineStorage>();

    public ExpressionProcessor Processor => Get<ExpressionProcessor>();

    public PoisonHandler Poison => Get<PoisonHandler>();

    public RunAggregator Aggregator => Get<RunAggregator>();

    public AggregatePoisonHandler AggregatePoison => Get<AggregatePoisonHandler>();

    public RunEnqueuer Enqueuer => Get<RunEnqueuer>();

    public LocalQueueWorker Worker => Get<LocalQueueWorker>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>The expressions queue as any client sees it (base64, like the enqueuer and the Functions host).</summary>
    public QueueClient ExpressionsQueue => Clients.Queue(Names.ExpressionsQueue);

    public QueueClient Queue(string name) => Clients.Queue(name);

    public TableClient SamplesTable => Clients.Tables.GetTableClient(Names.SamplesTable);

    public TableClient RunsTable => Clients.Tables.GetTableClient(Names.RunsTable);

    public Azure.Storage.Blobs.BlobContainerClient Container(string name) => Clients.Blobs.GetBlobContainerClient(name);

    /// <summary>Referred objects over <paramref name="images"/> images (one each by default), 1..3 sentences each, deterministic.</summary>
    public IReadOnlyList<ReferredObject> Objects(int count, int? images = null, int size = Size)
    {
        var imageCount = images ?? count;
        var paths = Enumerable.Range(0, imageCount).Select(WriteImage).ToList();
        return [.. Enumerable.Range(0, count).Select(i => new ReferredObject(
            $"ref{i}", $"img{i % imageCount}", paths[i % imageCount], Truth(i, size),
            [.. Enumerable.Range(0, 1 + (i % 3)).Select(k => new Sentence(k, (i * 10) + k, $"object {i} sentence {k}{new string('!', i + k)}"))]))];
    }

    public EnqueueRequest Request(string run, IReadOnlyList<ReferredObject> objects, int size = Size) => new(
        run,
        new RunSettings(Dataset, "val", size, TokenLength: 20, NoiseStep: 0, NoiseSeed: 7),
        new ModelChoice(ModelFile, ThresholdSegmenter.Kind, "{}"),
        objects,
        "test",
        FirstAggregateDelay: TimeSpan.Zero);

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

    public static IEnumerable<(ReferredObject Object, IReadOnlyList<BinaryMask> Masks, BinaryMask Truth)> InProcessMasks(EnqueueRequest request) =>
        request.Objects.Select(o => (o, ThresholdSegmenter.Masks(ImageFiles.LoadRgb(o.ImagePath), request.Settings.ImageSize, o.Sentences.Select(s => s.Text)), o.Truth));

    /// <summary>Every result row of <paramref name="run"/>, by id.</summary>
    public async Task<Dictionary<SampleId, SampleRow>> RowsAsync(string run)
    {
        var rows = new Dictionary<SampleId, SampleRow>();
        await foreach (var row in Storage.Samples.ReadRunAsync(run, summaryOnly: false, default))
        {
            rows.Add(row.Id, row);
        }
        return rows;
    }

    /// <summary>The raw rows of the <c>_malformed</c> partition (Error and Message columns).</summary>
    public async Task<List<TableEntity>> MalformedAsync()
    {
        var rows = new List<TableEntity>();
        await foreach (var row in SamplesTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"_malformed"}")))
        {
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Runs the worker until the run's metrics say complete or stalled; returns them.</summary>
    public async Task<RunMetrics> RunWorkerUntilDoneAsync(string run, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource();
        var worker = Worker.RunAsync(cts.Token);
        RunMetrics? metrics = null;
        try
        {
            await WaitUntilAsync(async () =>
            {
                metrics = await Storage.Runs.FindMetricsAsync(run, default);
                return metrics is { State: RunState.Complete or RunState.Stalled };
            }, timeout ?? TimeSpan.FromSeconds(45), $"run {run} to finish");
        }
        finally
        {
            await cts.CancelAsync();
            await worker;
        }
        return metrics!;
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

    public string TempFile(string name) => _dir.File(name);

    public static BinaryMask Truth(int index, int size = Size)
    {
        var mask = new BinaryMask(size, size);
        for (var y = index % 4; y < size - 2; y++)
        {
            for (var x = 3 + (index % 5); x < size; x++)
            {
                mask.Pixels[(y * size) + x] = 1;
            }
        }
        return mask;
    }

    public void Dispose()
    {
        _services.Dispose();
        _dir.Dispose();
    }
}

/// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, too late for asserts).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
