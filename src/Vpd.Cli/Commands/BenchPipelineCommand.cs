using System.CommandLine;
using System.Diagnostics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Vpd.Cli.Common;
using Vpd.Core.Contracts;
using Vpd.Core.Masks;
using Microsoft.Extensions.Logging;
using Vpd.Pipeline.Enqueue;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;

namespace Vpd.Cli.Commands;

/// <summary>
/// <c>vpd bench pipeline</c>: sentences per second through queue, blobs and table with the model-free
/// threshold segmenter, so the number is the pipeline's own overhead (what a GPU model would add to).
/// Uses Azurite (started here when none is running) unless told otherwise.
/// </summary>
public static class BenchPipelineCommand
{
    private const int SentencesPerObject = 3;

    // Consecutive objects share an image, as in RefCOCO's refs (val: 3,811 objects in 1,500 images, listed
    // image by image) and RefShapes; workers cache an image across its objects.
    private const int ObjectsPerImage = 3;
    private const int Size = 32;

    public static Command Create()
    {
        var sentences = new Option<int>("--sentences") { Description = "Sentences to push through (3 per referred object)", DefaultValueFactory = _ => 2000 };
        var workers = CommonOptions.Workers();
        workers.DefaultValueFactory = _ => 2;
        var batch = CommonOptions.ReceiveBatch();
        batch.DefaultValueFactory = _ => 32;
        var warmup = new Option<int>("--warmup-sentences")
        {
            Description = "Sentences of an untimed run first (0: none)", DefaultValueFactory = _ => 150,
        };
        var json = CommonOptions.Json();
        var command = new Command("pipeline", "Sentences/s through queue, blobs and table with a trivial segmenter (no model)")
        {
            sentences, workers, batch, warmup, json,
        };
        var storage = StorageOptions.AddTo(command);
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var total = parse.GetValue(sentences);
            if (total is < SentencesPerObject or > 1_000_000)
            {
                throw new ArgumentException($"--sentences {total} must be within {SentencesPerObject}..1000000");
            }
            if (parse.GetValue(warmup) is < 0 or > 1_000_000)
            {
                throw new ArgumentException($"--warmup-sentences {parse.GetValue(warmup)} must be within 0..1000000");
            }
            var concurrency = parse.GetValue(workers);
            if (concurrency is < 1 or > 64)
            {
                throw new ArgumentException($"--workers {concurrency} must be within 1..64");
            }
            var io = parse.InvocationConfiguration;
            // In memory: a benchmark's thousands of rows are not worth keeping, and disk would measure the disk.
            await using var azurite = await LocalAzurite.EnsureAsync(parse, storage, io.Error, StorageRetry.Service, cancellationToken, persistent: false);
            using var temp = new TempFolder("vpd-bench");
            var request = Request(RunId(), temp.Path, total / SentencesPerObject);
            var workerOptions = new WorkerOptions { Concurrency = concurrency, ReceiveBatchSize = parse.GetValue(batch) };
            using var pipeline = CliPipeline.Create(azurite.Storage, io.Error, LogLevel.Warning, o => o.Worker = workerOptions);

            // An untimed run first, like `bench model`'s warm-up: the timed run then measures the steady
            // pipeline, not the JIT compiling the storage clients and codecs on the first messages.
            var warmupSentences = parse.GetValue(warmup);
            if (warmupSentences >= SentencesPerObject)
            {
                using var warmupFolder = new TempFolder("vpd-bench-warmup");
                var warmupRequest = Request(RunId(), warmupFolder.Path, warmupSentences / SentencesPerObject);
                await pipeline.Enqueuer.EnqueueAsync(warmupRequest, null, cancellationToken);
                await RunWorkers.UntilRunEndsAsync(pipeline, warmupRequest.Run, null, cancellationToken);
            }

            var enqueueClock = Stopwatch.StartNew();
            await pipeline.Enqueuer.EnqueueAsync(request, null, cancellationToken);
            enqueueClock.Stop();

            var processClock = Stopwatch.StartNew();
            var end = await RunWorkers.UntilRunEndsAsync(pipeline, request.Run, null, cancellationToken);
            processClock.Stop();

            var metrics = end.Metrics!;
            var count = request.Objects.Sum(o => o.Sentences.Count);
            var rate = count / processClock.Elapsed.TotalSeconds;
            if (parse.GetValue(json))
            {
                output.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                {
                    run = request.Run, sentences = count, objects = request.Objects.Count, workers = concurrency, receiveBatch = parse.GetValue(batch),
                    warmupSentences,
                    enqueueSeconds = enqueueClock.Elapsed.TotalSeconds, processSeconds = processClock.Elapsed.TotalSeconds,
                    sentencesPerSecond = rate, metricsThroughput = metrics.ThroughputSentencesPerSecond,
                    latencyMsP50 = metrics.LatencyMs.P50, latencyMsP99 = metrics.LatencyMs.P99, storage = azurite.Description,
                }));
            }
            else
            {
                output.WriteLine($"storage: {azurite.Description}");
                output.WriteLine($"enqueue: {count} sentences in {request.Objects.Count} objects, {enqueueClock.Elapsed.TotalSeconds:F2} s ({count / enqueueClock.Elapsed.TotalSeconds:F0} sentences/s)");
                output.WriteLine(
                    $"process{(warmupSentences >= SentencesPerObject ? $" (after an untimed {warmupSentences}-sentence run)" : "")}: {concurrency} worker(s) receiving up to {parse.GetValue(batch)} messages, {metrics.Counts.Succeeded} succeeded, {metrics.Counts.Failed} failed in {processClock.Elapsed.TotalSeconds:F2} s " +
                    $"= {rate:F0} sentences/s (the run's own measure: {metrics.ThroughputSentencesPerSecond:F0}/s; per-sentence p50 {metrics.LatencyMs.P50:F2} ms, p99 {metrics.LatencyMs.P99:F2} ms)");
            }
            return metrics.Counts.Succeeded == count ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        return command;
    }

    private static string RunId() => $"bench-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}"[..40];

    /// <summary>A synthetic run: small noise images, random truth, three sentences per object, three objects per image.</summary>
    private static EnqueueRequest Request(string run, string folder, int objects)
    {
        var random = new Random(12345);
        var images = Enumerable.Range(0, (objects + ObjectsPerImage - 1) / ObjectsPerImage).Select(i =>
        {
            var path = Path.Combine(folder, $"img{i}.jpg");
            using var image = new Image<Rgb24>(48, 40);
            for (var y = 0; y < image.Height; y++)
            {
                for (var x = 0; x < image.Width; x++)
                {
                    image[x, y] = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                }
            }
            image.SaveAsJpeg(path);
            return path;
        }).ToList();
        var model = Path.Combine(folder, "threshold.model");
        File.WriteAllText(model, "the threshold segmenter has no weights; this file only gives the run a model hash\n");
        return new EnqueueRequest(
            run,
            new RunSettings("refshapes", "bench", Size, TokenLength: 1, NoiseStep: 0, NoiseSeed: 0),
            new ModelChoice(model, ThresholdSegmenter.Kind, "{}"),
            [.. Enumerable.Range(0, objects).Select(o => new ReferredObject(
                $"b{o}", $"img{o / ObjectsPerImage}", images[o / ObjectsPerImage],
                new BinaryMask(Size, Size, [.. Enumerable.Range(0, Size * Size).Select(_ => (byte)random.Next(2))]),
                [.. Enumerable.Range(0, SentencesPerObject).Select(s => new Sentence(s, (o * SentencesPerObject) + s, $"object {o} sentence {s}"))]))],
            EnqueueCommand.CodeVersion);
    }
}
