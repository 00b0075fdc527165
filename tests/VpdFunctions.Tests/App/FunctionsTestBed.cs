using Microsoft.Extensions.DependencyInjection;
using Azure.Storage.Queues.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Vpd.Core.Contracts;
using Vpd.Core.Masks;
using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Enqueue;
using Vpd.Pipeline.Hosting;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;

namespace VpdFunctions.Tests.App;

/// <summary>
/// An isolated pipeline per test (uniquely prefixed names in the shared Azurite), composed as Program.cs composes it,
/// with small generated images; function classes are created from it as the host's DI creates them.
/// </summary>
internal sealed class FunctionsTestBed : IDisposable
{
    public const int Size = 8;

    private readonly TempDir _dir = new("vpd-functions");
    private readonly ServiceProvider _services;

    public FunctionsTestBed(AzuriteFixture azurite)
    {
        Names = StorageNames.WithPrefix($"f{Guid.NewGuid():N}"[..12]);
        Clients = StorageClients.FromConnectionString(azurite.ConnectionString, Names);
        _services = new ServiceCollection().AddVpdPipeline(options =>
        {
            options.Storage = _ => Clients;
            options.Aggregator = new AggregatorOptions { RecheckDelay = TimeSpan.FromSeconds(1) };
            options.Host = HostSettings.Cpu with { ModelCacheDirectory = Path.Combine(_dir.Path, "model-cache") };
        }).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        ModelFile = _dir.File("model.bin");
        File.WriteAllBytes(ModelFile, [1, 2, 3, 4, 5]);
    }

    public StorageNames Names { get; }

    public StorageClients Clients { get; }

    public PipelineStorage Storage => _services.GetRequiredService<PipelineStorage>();

    public string ModelFile { get; }

    /// <summary>A function class with its dependencies, as the host creates it per invocation.</summary>
    public T Function<T>() => ActivatorUtilities.CreateInstance<T>(_services);

    public Azure.Storage.Queues.QueueClient Queue(string name) => Clients.Queue(name);

    /// <summary>Enqueues <paramref name="objects"/> objects of two sentences each, one image (and so one message) each.</summary>
    public async Task<EnqueueRequest> EnqueueAsync(string run, int objects)
    {
        var images = Enumerable.Range(0, objects).Select(WriteImage).ToList();
        var request = new EnqueueRequest(
            run,
            new RunSettings("refshapes", "val", Size, TokenLength: 4, NoiseStep: 0, NoiseSeed: 1),
            new ModelChoice(ModelFile, ThresholdSegmenter.Kind, "{}"),
            [.. Enumerable.Range(0, objects).Select(i => new ReferredObject(
                $"r{i}", $"img{i}", images[i], Truth(i),
                [new Sentence(0, i * 2, $"shape {i}"), new Sentence(1, (i * 2) + 1, $"the shape number {i}")]))],
            "test",
            FirstAggregateDelay: TimeSpan.Zero);
        await _services.GetRequiredService<RunEnqueuer>().EnqueueAsync(request, null, default);
        return request;
    }

    /// <summary>Takes the next message off a queue as the Functions host would hand it over.</summary>
    public async Task<QueueMessage> ReceiveAsync(string queueName)
    {
        var queue = Queue(queueName);
        var message = (await queue.ReceiveMessageAsync()).Value
            ?? throw new InvalidOperationException($"queue {queue.Name} is empty");
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        return message;
    }

    public async Task<List<SampleRow>> RowsAsync(string run)
    {
        var rows = new List<SampleRow>();
        await foreach (var row in Storage.Samples.ReadRunAsync(run, summaryOnly: false, default))
        {
            rows.Add(row);
        }
        return rows;
    }

    public void Dispose()
    {
        _services.Dispose();
        _dir.Dispose();
    }

    private string WriteImage(int index)
    {
        var path = _dir.File($"img{index}.jpg");
        using var image = new Image<Rgb24>(12, 10);
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                image[x, y] = new Rgb24((byte)((x * 20) + (index * 50)), (byte)(y * 25), 128);
            }
        }
        image.SaveAsJpeg(path);
        return path;
    }

    private static BinaryMask Truth(int index) =>
        new(Size, Size, [.. Enumerable.Range(0, Size * Size).Select(p => (byte)((p + index) % 3 == 0 ? 1 : 0))]);
}
