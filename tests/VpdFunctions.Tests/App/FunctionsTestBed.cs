using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Vpd.Core.Contracts;
using Vpd.Core.Masks;
using Vpd.Pipeline;
using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Enqueue;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.TestSupport;

namespace VpdFunctions.Tests.App;

/// <summary>
/// An isolated pipeline per test (uniquely prefixed names in the shared Azurite) with the threshold
/// segmenter, small generated images, and the services the function classes are constructed with.
/// </summary>
internal sealed class FunctionsTestBed : IDisposable
{
    public const int Size = 8;

    private readonly TempDir _dir = new("vpd-functions");

    public FunctionsTestBed(AzuriteFixture azurite)
    {
        Storage = StorageClients.FromConnectionString(azurite.ConnectionString, StorageNames.WithPrefix($"f{Guid.NewGuid():N}"[..12]));
        Services = new PipelineServices(
            Storage, WorkerSegmenters.Create(), new AggregatorOptions { RecheckDelay = TimeSpan.FromSeconds(1) },
            Path.Combine(_dir.Path, "model-cache"));
        ModelFile = _dir.File("model.bin");
        File.WriteAllBytes(ModelFile, [1, 2, 3, 4, 5]);
    }

    public StorageClients Storage { get; }

    public PipelineServices Services { get; }

    public string ModelFile { get; }

    /// <summary>Enqueues <paramref name="objects"/> objects of two sentences each, over two images.</summary>
    public async Task<EnqueueRequest> EnqueueAsync(string run, int objects)
    {
        var images = Enumerable.Range(0, 2).Select(WriteImage).ToList();
        var request = new EnqueueRequest
        {
            Run = run, Dataset = "refshapes", Split = "val", Model = ModelFile, ModelKind = ThresholdSegmenter.Kind,
            ModelConfigJson = "{}", TokenLength = 4, ImageSize = Size, NoiseStep = 0, NoiseSeed = 1, CodeVersion = "test",
            FirstAggregateDelay = TimeSpan.Zero,
            Objects = Enumerable.Range(0, objects).Select(i => new ReferredObject(
                $"r{i}", $"img{i % 2}", images[i % 2], Truth(i),
                [new SentenceItem(0, $"shape {i}"), new SentenceItem(1, $"the shape number {i}")])).ToList(),
        };
        await Services.Enqueuer.EnqueueAsync(request, null, default);
        return request;
    }

    /// <summary>Takes the next message off a queue as the Functions host would hand it over.</summary>
    public static async Task<QueueMessage> ReceiveAsync(Azure.Storage.Queues.QueueClient queue)
    {
        var message = (await queue.ReceiveMessageAsync()).Value
            ?? throw new InvalidOperationException($"queue {queue.Name} is empty");
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        return message;
    }

    public async Task<List<TableEntity>> RowsAsync(string run)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in Storage.Samples.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {run}")))
        {
            rows.Add(row);
        }
        return rows;
    }

    public void Dispose()
    {
        Services.Dispose();
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
                image[x, y] = new Rgb24((byte)(x * 20 + index * 50), (byte)(y * 25), 128);
            }
        }
        image.SaveAsJpeg(path);
        return path;
    }

    private static BinaryMask Truth(int index) =>
        new(Size, Size, Enumerable.Range(0, Size * Size).Select(p => (byte)((p + index) % 3 == 0 ? 1 : 0)).ToArray());
}
