using System.Diagnostics;
using Azure.Data.Tables;
using Vpd.Core.Contracts;
using Vpd.Core.Masks;
using Vpd.Core.Metrics;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Processing;

/// <summary>
/// Handles one vpd-expressions message: reads the run's manifest, the image and the truth mask,
/// segments all sentences of the object in one call, writes one mask PNG and one VpdSamples row per
/// sentence. Bad input (malformed message, unknown run, missing or corrupt image or truth, empty
/// sentence) is recorded as failed rows and the message completes; anything else (storage errors,
/// segmenter faults) throws so that the queue retries it. Every write is an overwrite of a name
/// derived from the message, so processing a message twice changes nothing.
/// </summary>
public sealed class ExpressionProcessor(
    StorageClients storage, ManifestStore manifests, InputStore inputs, ModelCache models, FailureRecorder failures, TimeProvider time)
{
    /// <summary>The Functions entry point: the message text as the queue trigger binds it.</summary>
    /// <param name="dequeueCount">Delivery attempt (1 on first delivery), stored on rows for diagnosis.</param>
    public async Task<ProcessOutcome> ProcessAsync(string messageText, long dequeueCount, CancellationToken cancellationToken)
    {
        ExpressionMessage message;
        try
        {
            message = ExpressionMessage.Parse(messageText);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidIdException)
        {
            var reason = $"malformed message: {e.Message}";
            var rows = await failures.RecordAsync(messageText, reason, keepSucceeded: false, cancellationToken);
            return new ProcessOutcome(0, rows, reason);
        }
        return await ProcessAsync(message, dequeueCount, cancellationToken);
    }

    /// <summary>Processes a message built in code (e.g. in-process evaluation through the same path).</summary>
    /// <exception cref="InvalidIdException">The message's ids are invalid (a caller's bug, not input to record).</exception>
    /// <exception cref="InvalidDataException">The message has no or repeated sentence indexes.</exception>
    public async Task<ProcessOutcome> ProcessAsync(ExpressionMessage message, long dequeueCount, CancellationToken cancellationToken)
    {
        message.Validate();
        try
        {
            return await SegmentAndRecordAsync(message, dequeueCount, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidIdException)
        {
            // Bad input: unknown run, invalid manifest, missing or corrupt image, truth or model file.
            var now = time.GetUtcNow();
            var rows = message.Sentences
                .Select(s => WithAttempt(SampleRows.Failed(message.Run, message.RefId, s.Index, message.ImageId, e.Message, now), dequeueCount))
                .ToList();
            await FailureRecorder.UpsertAllAsync(storage.Samples, rows, cancellationToken);
            return new ProcessOutcome(0, rows.Count, e.Message);
        }
    }

    private async Task<ProcessOutcome> SegmentAndRecordAsync(ExpressionMessage message, long dequeueCount, CancellationToken cancellationToken)
    {
        var (manifest, _) = await manifests.GetAsync(message.Run, cancellationToken);
        if (manifest.Dataset != message.Dataset)
        {
            throw new InvalidDataException(
                $"message for refId '{message.RefId}' names dataset '{message.Dataset}' but run '{message.Run}' evaluates '{manifest.Dataset}'");
        }
        var size = manifest.ImageSize;
        var (image, truth) = await inputs.ReadAsync(message, size, cancellationToken);

        var usable = message.Sentences.Where(s => !string.IsNullOrWhiteSpace(s.Text)).ToList();
        var empty = message.Sentences.Where(s => string.IsNullOrWhiteSpace(s.Text)).ToList();
        IReadOnlyList<BinaryMask> masks = [];
        double msPerSentence = 0;
        if (usable.Count > 0)
        {
            var segmenter = await models.GetAsync(manifest, cancellationToken);
            var clock = Stopwatch.StartNew();
            masks = segmenter.Segment(manifest, message.ImageId, image, usable.Select(s => s.Text).ToList(), cancellationToken);
            msPerSentence = clock.Elapsed.TotalMilliseconds / usable.Count;
            CheckMasks(masks, usable.Count, size, manifest);
        }

        var now = time.GetUtcNow();
        var rows = new List<TableEntity>();
        var uploads = new List<Task>();
        for (var i = 0; i < usable.Count; i++)
        {
            var sentence = usable[i];
            var maskName = StorageLayout.MaskBlob(message.Run, message.RefId, sentence.Index);
            uploads.Add(storage.Runs.GetBlobClient(maskName).UploadAsync(
                new BinaryData(MaskPng.Encode(masks[i])), overwrite: true, cancellationToken));
            var counts = IouCounts.Compute(masks[i], truth);
            rows.Add(WithAttempt(
                SampleRows.Succeeded(message.Run, message.RefId, sentence.Index, message.ImageId, counts, msPerSentence, maskName, now),
                dequeueCount));
        }
        foreach (var sentence in empty)
        {
            rows.Add(WithAttempt(
                SampleRows.Failed(message.Run, message.RefId, sentence.Index, message.ImageId,
                    $"sentence {sentence.Index} of refId '{message.RefId}' is empty", now),
                dequeueCount));
        }
        // Masks first: a row claims its mask exists.
        await Task.WhenAll(uploads);
        await FailureRecorder.UpsertAllAsync(storage.Samples, rows, cancellationToken);
        return new ProcessOutcome(usable.Count, empty.Count, empty.Count > 0 ? "empty sentence" : null);
    }

    /// <summary>A segmenter that breaks its contract is a bug, not bad input: it throws so the message retries and is seen.</summary>
    private static void CheckMasks(IReadOnlyList<BinaryMask> masks, int expected, int size, RunManifest manifest)
    {
        if (masks.Count != expected)
        {
            throw new InvalidOperationException(
                $"segmenter for model {manifest.Model.Sha256} returned {masks.Count} masks for {expected} sentences");
        }
        foreach (var mask in masks)
        {
            if (mask.Width != size || mask.Height != size)
            {
                throw new InvalidOperationException(
                    $"segmenter for model {manifest.Model.Sha256} returned a {mask.Width}x{mask.Height} mask, expected {size}x{size}");
            }
        }
    }

    private static TableEntity WithAttempt(TableEntity row, long dequeueCount)
    {
        row["DequeueCount"] = dequeueCount;
        return row;
    }
}
