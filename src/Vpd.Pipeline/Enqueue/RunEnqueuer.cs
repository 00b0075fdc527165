using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Enqueue;

/// <summary>
/// Starts or resumes a run: uploads each image and truth mask under its content's name (never replacing anything),
/// uploads or names the model, writes the sentence set and the manifest (both once), then queues one vpd-expressions
/// message per image (<see cref="MessagesFor"/>) with its objects' sentences that have no result yet -- on a rerun
/// exactly the missing ones -- and one first vpd-aggregate message. Each step is safe to repeat, so an enqueue killed half-way is finished by
/// running it again.
/// </summary>
public sealed partial class RunEnqueuer(PipelineStorage storage, TimeProvider time, ILogger<RunEnqueuer> logger)
{
    /// <exception cref="ArgumentException">Invalid ids, duplicate refIds, truth of the wrong size, an invalid attention
    /// choice, or a run that already exists with a different manifest or sentence set.</exception>
    public async Task<EnqueueResult> EnqueueAsync(EnqueueRequest request, IProgress<EnqueueProgress>? progress, CancellationToken cancellationToken)
    {
        Validate(request);
        await storage.EnsureCreatedAsync(cancellationToken);
        var settings = request.Settings;
        var modelSha = await storage.Models.PutAsync(request.Model.Model, cancellationToken);

        var imageShas = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var truthShas = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var images = request.Objects.DistinctBy(o => o.ImageId).ToList();
        var (imagesUploaded, imagesSkipped) = await UploadAllAsync(images, "images", async (o, ct) =>
        {
            var (sha, uploaded) = await storage.Inputs.PutImageAsync(settings.Dataset, o.ImageId, await File.ReadAllBytesAsync(o.ImagePath, ct), ct);
            imageShas[o.ImageId] = sha;
            return uploaded;
        }, request.Parallelism, progress, cancellationToken);
        var (truthUploaded, truthSkipped) = await UploadAllAsync(request.Objects, "truth", async (o, ct) =>
        {
            var (sha, uploaded) = await storage.Inputs.PutTruthAsync(settings.Dataset, o.RefId, o.Truth, ct);
            truthShas[o.RefId] = sha;
            return uploaded;
        }, request.Parallelism, progress, cancellationToken);

        var objects = new RunObjects
        {
            Run = request.Run,
            Objects = [.. request.Objects.Select(o => new RunObject(o.RefId, o.ImageId, imageShas[o.ImageId], truthShas[o.RefId], o.Sentences))],
        };
        objects.Validate("enqueue request");
        var objectsSha = await storage.Runs.CreateObjectsAsync(objects, cancellationToken);
        var manifest = new RunManifest
        {
            Run = request.Run,
            Settings = settings,
            Model = new ModelSpec(request.Model.Kind, request.Model.ConfigJson, ModelStore.BlobName(modelSha), modelSha),
            ExpectedSentences = objects.SentenceCount,
            ExpectedObjects = objects.Objects.Count,
            ObjectsSha256 = objectsSha,
            CodeVersion = request.CodeVersion,
            CreatedUtc = time.GetUtcNow(),
        };
        manifest.Validate("enqueue request");
        var (stored, existed) = await storage.Runs.CreateManifestAsync(manifest, cancellationToken);

        var recorded = await storage.Samples.ReadIdsAsync(request.Run, cancellationToken);
        var storeAttention = AttentionChoice.Parse(settings.Attention);
        int enqueued = 0, skipped = 0, messages = 0;
        long sentences = 0;
        var positions = objects.Objects.Select((o, position) => (o, position));
        foreach (var image in positions.GroupBy(p => p.o.ImageId, StringComparer.Ordinal))
        {
            var pending = new List<MessageObject>();
            foreach (var (o, position) in image)
            {
                var missing = o.Sentences.Where(s => !recorded.Contains(new SampleId(o.RefId, s.Index))).ToList();
                if (missing.Count == 0)
                {
                    skipped++;
                    continue;
                }
                pending.Add(new MessageObject { RefId = o.RefId, TruthSha256 = o.TruthSha256, Sentences = missing, StoreAttention = storeAttention(position, o.RefId) });
                enqueued++;
                sentences += missing.Count;
            }
            var first = image.First().o;
            foreach (var message in MessagesFor(request.Run, settings.Dataset, first.ImageId, first.ImageSha256, pending))
            {
                await storage.Runs.EnqueueExpressionAsync(message, cancellationToken);
                messages++;
            }
            progress?.Report(new EnqueueProgress("messages", enqueued + skipped, objects.Objects.Count));
        }
        await storage.Runs.EnqueueAggregateAsync(
            new AggregateMessage { Run = request.Run }, request.FirstAggregateDelay ?? EnqueueRequest.DefaultFirstAggregateDelay, cancellationToken);
        LogEnqueued(request.Run, enqueued, sentences, messages, skipped, existed);
        return new EnqueueResult(
            stored.Sha256, modelSha, existed, imagesUploaded, imagesSkipped, truthUploaded, truthSkipped, enqueued, skipped, sentences);
    }

    /// <summary>
    /// The messages for one image's pending objects, in their order: up to <see cref="ExpressionMessage.MaxObjects"/>
    /// and <see cref="MaxMessageChars"/> per message.
    /// </summary>
    public static IEnumerable<ExpressionMessage> MessagesFor(string run, string dataset, string imageId, string imageSha256, IReadOnlyList<MessageObject> objects)
    {
        // A message's JSON is its envelope plus each object's JSON and a comma: each object is serialised once.
        var envelope = Build([]).ToJson().Length;
        var chunk = new List<MessageObject>();
        var chars = envelope;
        foreach (var o in objects)
        {
            var objectChars = JsonSerializer.Serialize(o, ContractJson.Options).Length + 1;
            if (chunk.Count > 0 && (chunk.Count == ExpressionMessage.MaxObjects || chars + objectChars > MaxMessageChars))
            {
                yield return Build(chunk);
                chunk = [];
                chars = envelope;
            }
            chunk.Add(o);
            chars += objectChars;
        }
        if (chunk.Count > 0)
        {
            yield return Build(chunk);
        }

        ExpressionMessage Build(List<MessageObject> list) =>
            new() { Run = run, Dataset = dataset, ImageId = imageId, ImageSha256 = imageSha256, Objects = [.. list] };
    }

    /// <summary>
    /// Characters of JSON per message beyond which objects go to the next one: Azure queue messages hold 64 KiB, which
    /// base64 (the Functions host's encoding) leaves 48 KiB of UTF-8; this leaves room for multi-byte text.
    /// </summary>
    public const int MaxMessageChars = 16_000;

    private static void Validate(EnqueueRequest request)
    {
        Ids.Validate(request.Run, "run");
        request.Settings.Validate("enqueue request");
        if (request.Objects.Count == 0)
        {
            throw new ArgumentException($"run '{request.Run}' has no referred objects to enqueue", nameof(request));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Parallelism, 1);
        var refIds = new HashSet<string>(StringComparer.Ordinal);
        var imagePaths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var o in request.Objects)
        {
            Ids.Validate(o.RefId, "refId");
            Ids.Validate(o.ImageId, "imageId");
            if (!refIds.Add(o.RefId))
            {
                throw new ArgumentException($"refId '{o.RefId}' occurs twice in run '{request.Run}'", nameof(request));
            }
            if (imagePaths.TryGetValue(o.ImageId, out var path) && path != o.ImagePath)
            {
                throw new ArgumentException($"imageId '{o.ImageId}' names two files: {path} and {o.ImagePath}", nameof(request));
            }
            imagePaths[o.ImageId] = o.ImagePath;
            var size = request.Settings.ImageSize;
            if (o.Truth.Width != size || o.Truth.Height != size)
            {
                throw new ArgumentException(
                    $"truth of refId '{o.RefId}' is {o.Truth.Width}x{o.Truth.Height}, the run evaluates at {size}x{size}", nameof(request));
            }
        }
    }

    private static async Task<(int Uploaded, int Skipped)> UploadAllAsync(
        IReadOnlyList<ReferredObject> objects, string stage, Func<ReferredObject, CancellationToken, Task<bool>> upload,
        int parallelism, IProgress<EnqueueProgress>? progress, CancellationToken cancellationToken)
    {
        int uploaded = 0, done = 0;
        await Parallel.ForEachAsync(
            objects, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (o, ct) =>
            {
                if (await upload(o, ct))
                {
                    Interlocked.Increment(ref uploaded);
                }
                progress?.Report(new EnqueueProgress(stage, Interlocked.Increment(ref done), objects.Count));
            });
        return (uploaded, objects.Count - uploaded);
    }

    [LoggerMessage(EventId = 500, EventName = "RunEnqueued", Level = LogLevel.Information,
        Message = "run {Run}: {Objects} objects ({Sentences} sentences) enqueued in {Messages} messages, {Skipped} already done; resumed: {Resumed}")]
    private partial void LogEnqueued(string run, int objects, long sentences, int messages, int skipped, bool resumed);
}
