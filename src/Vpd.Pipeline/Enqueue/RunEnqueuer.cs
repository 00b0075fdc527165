using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Vpd.Core.Contracts;
using Vpd.Core.Masks;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Enqueue;

/// <summary>
/// Starts or resumes a run: uploads each image and truth mask once (skipped when the stored blob
/// carries the same SHA-256 in its metadata), uploads or names the model, writes manifest.json,
/// enqueues one vpd-expressions message per referred object whose sentences do not all have a row
/// yet, and one first vpd-aggregate message.
/// </summary>
public sealed class RunEnqueuer(StorageClients storage, TimeProvider time)
{
    /// <summary>Blob metadata key holding the content's lowercase hex SHA-256.</summary>
    public const string Sha256Metadata = "sha256";

    private const string ModelPrefix = "sha256:";

    /// <exception cref="ArgumentException">Invalid ids, duplicate refIds, truth of the wrong size, or a run
    /// that already exists with a different manifest.</exception>
    public async Task<EnqueueResult> EnqueueAsync(
        EnqueueRequest request, IProgress<EnqueueProgress>? progress, CancellationToken cancellationToken)
    {
        Validate(request);
        await storage.EnsureCreatedAsync(cancellationToken);
        var modelSha = await ResolveModelAsync(request.Model, cancellationToken);
        var manifest = new RunManifest
        {
            Run = request.Run,
            Model = new ModelSpec(request.ModelKind, request.ModelConfigJson, StorageLayout.ModelBlob(modelSha), modelSha),
            TokenLength = request.TokenLength,
            ImageSize = request.ImageSize,
            NoiseStep = request.NoiseStep,
            NoiseSeed = request.NoiseSeed,
            Dataset = request.Dataset,
            Split = request.Split,
            ExpectedSentences = request.Objects.Sum(o => o.Sentences.Count),
            ExpectedObjects = request.Objects.Count,
            Device = request.Device,
            Dtype = request.Dtype,
            CodeVersion = request.CodeVersion,
            CreatedUtc = time.GetUtcNow(),
        };
        manifest.Validate("enqueue request");
        var (manifestSha, manifestExisted) = await WriteManifestAsync(manifest, cancellationToken);

        // The messages carry each input's hash: workers check what they read against it.
        var imageShas = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var truthShas = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var images = request.Objects.DistinctBy(o => o.ImageId).ToList();
        var (imagesUploaded, imagesSkipped) = await UploadAllAsync(
            images, "images",
            async (o, ct) => await UploadIfChangedAsync(
                storage.Inputs.GetBlobClient(StorageLayout.ImageBlob(request.Dataset, o.ImageId)),
                await File.ReadAllBytesAsync(o.ImagePath, ct), "image/jpeg", sha => imageShas[o.ImageId] = sha, ct),
            request.Parallelism, progress, cancellationToken);
        var (truthUploaded, truthSkipped) = await UploadAllAsync(
            request.Objects, "truth",
            (o, ct) => UploadIfChangedAsync(
                storage.Inputs.GetBlobClient(StorageLayout.TruthBlob(request.Dataset, o.RefId)),
                MaskPng.Encode(o.Truth), "image/png", sha => truthShas[o.RefId] = sha, ct),
            request.Parallelism, progress, cancellationToken);

        var recorded = await RecordedSampleKeysAsync(request.Run, cancellationToken);
        int enqueued = 0, skipped = 0;
        foreach (var o in request.Objects)
        {
            if (o.Sentences.All(s => recorded.Contains(StorageLayout.SampleKey(o.RefId, s.Index))))
            {
                skipped++;
            }
            else
            {
                var message = new ExpressionMessage
                {
                    Run = request.Run, Dataset = request.Dataset, RefId = o.RefId, ImageId = o.ImageId, Sentences = o.Sentences,
                    ImageSha256 = imageShas[o.ImageId], TruthSha256 = truthShas[o.RefId],
                };
                await storage.ExpressionsQueue.SendMessageAsync(message.ToJson(), TimeSpan.Zero, NeverExpires, cancellationToken);
                enqueued++;
            }
            progress?.Report(new EnqueueProgress("messages", enqueued + skipped, request.Objects.Count));
        }
        await storage.AggregateQueue.SendMessageAsync(
            new AggregateMessage { Run = request.Run }.ToJson(), request.FirstAggregateDelay, NeverExpires, cancellationToken);

        return new EnqueueResult(
            manifestSha, modelSha, manifestExisted, imagesUploaded, imagesSkipped, truthUploaded, truthSkipped, enqueued, skipped);
    }

    /// <summary>Messages of a long run must not expire in the queue (the default is 7 days).</summary>
    private static TimeSpan NeverExpires => TimeSpan.FromSeconds(-1);

    private static void Validate(EnqueueRequest request)
    {
        Ids.Validate(request.Run, "run");
        Ids.Validate(request.Dataset, "dataset");
        Ids.Validate(request.Split, "split");
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
                throw new ArgumentException(
                    $"imageId '{o.ImageId}' names two files: {path} and {o.ImagePath}", nameof(request));
            }
            imagePaths[o.ImageId] = o.ImagePath;
            if (o.Truth.Width != request.ImageSize || o.Truth.Height != request.ImageSize)
            {
                throw new ArgumentException(
                    $"truth of refId '{o.RefId}' is {o.Truth.Width}x{o.Truth.Height}, the run evaluates at {request.ImageSize}x{request.ImageSize}",
                    nameof(request));
            }
            new ExpressionMessage
            {
                Run = request.Run, Dataset = request.Dataset, RefId = o.RefId, ImageId = o.ImageId, Sentences = o.Sentences,
            }.Validate();
        }
    }

    /// <summary>The model's SHA-256: of a local file (uploaded when absent), or named as <c>sha256:hex</c> (must exist).</summary>
    private async Task<string> ResolveModelAsync(string model, CancellationToken cancellationToken)
    {
        if (model.StartsWith(ModelPrefix, StringComparison.Ordinal))
        {
            var named = Ids.ValidateSha256(model[ModelPrefix.Length..], "model sha256");
            if (!await storage.Models.GetBlobClient(StorageLayout.ModelBlob(named)).ExistsAsync(cancellationToken))
            {
                throw new ArgumentException(
                    $"model {model} is not in container '{storage.Names.ModelsContainer}': pass the model file instead", nameof(model));
            }
            return named;
        }
        if (!File.Exists(model))
        {
            throw new FileNotFoundException($"model file {model} not found (pass a path or sha256:<hex>)", model);
        }
        var sha = await ModelCache.Sha256OfFileAsync(model, cancellationToken);
        var blob = storage.Models.GetBlobClient(StorageLayout.ModelBlob(sha));
        if (!await blob.ExistsAsync(cancellationToken))
        {
            await blob.UploadAsync(model, new BlobUploadOptions { Metadata = new Dictionary<string, string> { [Sha256Metadata] = sha } },
                cancellationToken);
        }
        return sha;
    }

    private async Task<(string Sha256, bool Existed)> WriteManifestAsync(RunManifest manifest, CancellationToken cancellationToken)
    {
        var existing = await ManifestStore.LoadOrNullAsync(storage, manifest.Run, cancellationToken);
        if (existing is not null)
        {
            if (existing.Manifest with { CreatedUtc = manifest.CreatedUtc } != manifest)
            {
                throw new ArgumentException(
                    $"run '{manifest.Run}' already exists with a different manifest ({storage.Names.RunsContainer}/{StorageLayout.ManifestBlob(manifest.Run)}); " +
                    "choose a new run id to change model, settings or objects", nameof(manifest));
            }
            return (existing.Sha256, true);
        }
        var bytes = manifest.ToUtf8Json();
        try
        {
            // Create-only: two enqueuers racing on one run id cannot overwrite each other's manifest.
            await storage.Runs.GetBlobClient(StorageLayout.ManifestBlob(manifest.Run)).UploadAsync(
                new BinaryData(bytes), overwrite: false, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return await WriteManifestAsync(manifest, cancellationToken);
        }
        return (RunManifest.Sha256Of(bytes), false);
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

    /// <summary>Uploads unless the blob exists with the same SHA-256 in its metadata. Returns whether it uploaded.</summary>
    private static async Task<bool> UploadIfChangedAsync(
        BlobClient blob, byte[] content, string contentType, Action<string> hashed, CancellationToken cancellationToken)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        hashed(sha);
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
            if (properties.Value.Metadata.TryGetValue(Sha256Metadata, out var stored) && stored == sha)
            {
                return false;
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Not there yet.
        }
        await blob.UploadAsync(new BinaryData(content), new BlobUploadOptions
        {
            Metadata = new Dictionary<string, string> { [Sha256Metadata] = sha },
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
        }, cancellationToken);
        return true;
    }

    private async Task<HashSet<string>> RecordedSampleKeysAsync(string run, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {run}");
        await foreach (var row in storage.Samples.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(row.RowKey);
        }
        return keys;
    }
}
