using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Vpd.Core.Contracts;
using Vpd.Core.Imaging;
using Vpd.Core.Masks;
using Vpd.Core.Metrics;
using Vpd.Pipeline.Hosting;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Processing;

/// <summary>
/// Handles one vpd-expressions message: reads the run's manifest and sentence set, the image once and each object's
/// truth mask, segments each object's sentences in one call, writes one mask PNG (and attention blob when the run
/// asked for it) and one result row per sentence. Bad input (malformed message, unknown run, an object or sentence
/// outside the run's set, missing, corrupt or truncated inputs, an unusable model, an empty sentence) is recorded as
/// failed rows -- of the one object it concerns where it concerns one -- and the message completes; anything else
/// (storage errors, segmenter faults) throws so that the queue retries it. Every write is an overwrite of a name
/// derived from the message, so processing a message twice changes nothing.
/// </summary>
public sealed partial class ExpressionProcessor(
    PipelineStorage storage, ModelCache models, MessageFailures failures, HostSettings host, TimeProvider time, ILogger<ExpressionProcessor> logger)
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
            var rows = await failures.RecordAsync(messageText, reason, keepSucceeded: false, dequeueCount, cancellationToken);
            LogMalformed(reason, dequeueCount);
            return new ProcessOutcome(0, rows, reason);
        }
        return await ProcessAsync(message, dequeueCount, cancellationToken);
    }

    /// <summary>Processes a message built in code.</summary>
    /// <exception cref="InvalidIdException">The message's ids are invalid (a caller's bug, not input to record).</exception>
    /// <exception cref="InvalidDataException">The message has no objects, too many, or no or repeated sentence indexes.</exception>
    public async Task<ProcessOutcome> ProcessAsync(ExpressionMessage message, long dequeueCount, CancellationToken cancellationToken)
    {
        message.Validate();
        var clock = Stopwatch.StartNew();
        ProcessOutcome outcome;
        try
        {
            outcome = await SegmentAndRecordAsync(message, dequeueCount, cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidIdException)
        {
            var rows = FailedRows(message, message.Objects, e.Message, dequeueCount);
            await storage.Samples.UpsertAsync(rows, cancellationToken);
            outcome = new ProcessOutcome(0, rows.Count, e.Message);
        }
        LogProcessed(message, outcome.Succeeded, outcome.Failed, clock.ElapsedMilliseconds, dequeueCount, outcome.Error);
        return outcome;
    }

    private async Task<ProcessOutcome> SegmentAndRecordAsync(ExpressionMessage message, long dequeueCount, CancellationToken cancellationToken)
    {
        var stored = await storage.Runs.GetManifestAsync(message.Run, cancellationToken);
        var manifest = stored.Manifest;
        if (manifest.Dataset != message.Dataset)
        {
            throw new InvalidDataException(
                $"message for image '{message.ImageId}' names dataset '{message.Dataset}' but run '{message.Run}' evaluates '{manifest.Dataset}'");
        }
        var declared = await storage.Runs.GetObjectsAsync(stored, cancellationToken);
        var failed = new List<SampleRow>();
        var foreign = new List<string>();
        var known = new List<(MessageObject Object, RunObject Expected)>();
        foreach (var o in message.Objects)
        {
            if (declared.Find(o.RefId) is not { } expected)
            {
                failed.AddRange(FailedRows(message, [o], $"refId '{o.RefId}' is not in run '{message.Run}''s sentence set", dequeueCount));
            }
            else if (expected.ImageId != message.ImageId || expected.ImageSha256 != message.ImageSha256 || expected.TruthSha256 != o.TruthSha256)
            {
                // Not the run's object, yet its rows would take the run's own keys: kept apart (one record per object, so
                // two such objects of one message do not share a key), the run's sentences stay pending.
                var reason =
                    $"message for run '{message.Run}' refId '{o.RefId}' names other inputs (image '{message.ImageId}' {message.ImageSha256[..12]}, " +
                    $"truth {o.TruthSha256[..12]}) than the run declared (image '{expected.ImageId}' {expected.ImageSha256[..12]}, truth {expected.TruthSha256[..12]})";
                await storage.Samples.RecordMalformedAsync((message with { Objects = [o] }).ToJson(), reason, time.GetUtcNow(), cancellationToken);
                foreign.Add(reason);
            }
            else
            {
                known.Add((o, expected));
            }
        }

        var results = new List<(MessageObject Object, BinaryMask Truth, SegmentedSentence Result, double Ms)>();
        if (known.Count > 0)
        {
            RgbImage? image = null;
            try
            {
                image = await storage.Inputs.ReadImageAsync(message.Dataset, message.ImageId, message.ImageSha256, cancellationToken);
            }
            catch (Exception e) when (e is InvalidDataException or InvalidIdException)
            {
                // One image for every object: a bad image fails each of them.
                failed.AddRange(FailedRows(message, known.Select(k => k.Object), e.Message, dequeueCount));
            }
            if (image is not null)
            {
                var input = new ImageInput(message.ImageId, $"{message.Dataset}/{message.ImageSha256}", image);
                foreach (var (o, expected) in known)
                {
                    try
                    {
                        var (segmented, unusable) = await SegmentObjectAsync(message, manifest, input, o, expected, dequeueCount, cancellationToken);
                        results.AddRange(segmented);
                        failed.AddRange(unusable);
                    }
                    catch (Exception e) when (e is InvalidDataException or InvalidIdException)
                    {
                        failed.AddRange(FailedRows(message, [o], e.Message, dequeueCount));
                    }
                }
            }
        }

        var now = time.GetUtcNow();
        var rows = new List<SampleRow>(failed);
        var uploads = new List<Task>();
        foreach (var (o, truth, result, ms) in results)
        {
            var id = new SampleId(o.RefId, result.Sentence.Index);
            uploads.Add(storage.Runs.WriteMaskAsync(message.Run, id, result.Mask, cancellationToken));
            if (result.Attention is { } attention)
            {
                uploads.Add(storage.Runs.WriteAttentionAsync(message.Run, id, attention, cancellationToken));
            }
            rows.Add(SampleRow.Succeeded(
                message.Run, o.RefId, message.ImageId, result.Sentence, IouCounts.Compute(result.Mask, truth), ms, now,
                dequeueCount, host.Device, hasAttention: result.Attention is not null));
        }
        // Masks first: a row claims its mask exists.
        await Task.WhenAll(uploads);
        await storage.Samples.UpsertAsync(rows, cancellationToken);
        return new ProcessOutcome(results.Count, failed.Count, failed.Count > 0 ? failed[0].Error : foreign.FirstOrDefault());
    }

    /// <summary>
    /// Reads one object's truth and segments its usable sentences; returns their results and failed rows for the
    /// sentences it cannot segment. Bad input (truth, model) throws for the caller to fail the whole object.
    /// </summary>
    private async Task<(IEnumerable<(MessageObject Object, BinaryMask Truth, SegmentedSentence Result, double Ms)> Results, List<SampleRow> Unusable)>
        SegmentObjectAsync(
            ExpressionMessage message, RunManifest manifest, ImageInput input, MessageObject o, RunObject expected, long dequeueCount,
            CancellationToken cancellationToken)
    {
        var truth = await storage.Inputs.ReadTruthAsync(message.Dataset, manifest.ImageSize, o.RefId, o.TruthSha256, cancellationToken);
        var (usable, unusable) = Usable(message, o, expected, dequeueCount);
        if (usable.Count == 0)
        {
            return ([], unusable);
        }
        var segmenter = await models.GetAsync(manifest, cancellationToken);
        var clock = Stopwatch.StartNew();
        var segmented = segmenter.Segment(manifest, input, usable, o.StoreAttention, cancellationToken);
        var ms = clock.Elapsed.TotalMilliseconds / usable.Count;
        CheckResults(segmented, usable, manifest.ImageSize, manifest);
        return (segmented.Select(r => (o, truth, r, ms)), unusable);
    }

    /// <summary>
    /// The object's sentences as the run's own sentence set says they are, and failed rows for the ones it cannot
    /// segment: an index the set does not have is not this run's to segment, an empty text has nothing to segment.
    /// </summary>
    private (List<Sentence> Usable, List<SampleRow> Failed) Usable(ExpressionMessage message, MessageObject o, RunObject expected, long dequeueCount)
    {
        var now = time.GetUtcNow();
        var usable = new List<Sentence>();
        var failed = new List<SampleRow>();
        foreach (var sentence in o.Sentences)
        {
            var declared = expected.Sentences.FirstOrDefault(s => s.Index == sentence.Index);
            var reason = declared is null
                ? $"sentence {sentence.Index} of refId '{o.RefId}' is not in run '{message.Run}''s sentence set"
                : string.IsNullOrWhiteSpace(declared.Text) ? $"sentence {sentence.Index} of refId '{o.RefId}' is empty" : null;
            if (reason is null)
            {
                usable.Add(declared!);
            }
            else
            {
                failed.Add(SampleRow.Failed(message.Run, o.RefId, sentence.Index, declared ?? sentence, message.ImageId, reason, now, dequeueCount));
            }
        }
        return (usable, failed);
    }

    private List<SampleRow> FailedRows(ExpressionMessage message, IEnumerable<MessageObject> objects, string reason, long dequeueCount)
    {
        var now = time.GetUtcNow();
        return [.. objects.SelectMany(o => o.Sentences.Select(s => SampleRow.Failed(message.Run, o.RefId, s.Index, s, message.ImageId, reason, now, dequeueCount)))];
    }

    /// <summary>A segmenter that breaks its contract is a bug, not bad input: it throws so the message retries and is seen.</summary>
    private static void CheckResults(IReadOnlyList<SegmentedSentence> results, IReadOnlyList<Sentence> asked, int size, RunManifest manifest)
    {
        if (results.Count != asked.Count || results.Select(r => r.Sentence.Index).Order().SequenceEqual(asked.Select(s => s.Index).Order()) is false)
        {
            throw new InvalidOperationException(
                $"segmenter for model {manifest.Model.Sha256} returned results for sentences [{string.Join(", ", results.Select(r => r.Sentence.Index))}], " +
                $"asked for [{string.Join(", ", asked.Select(s => s.Index))}]");
        }
        if (results.FirstOrDefault(r => r.Mask.Width != size || r.Mask.Height != size) is { } wrong)
        {
            throw new InvalidOperationException(
                $"segmenter for model {manifest.Model.Sha256} returned a {wrong.Mask.Width}x{wrong.Mask.Height} mask, expected {size}x{size}");
        }
    }

    [LoggerMessage(EventId = 200, EventName = "ExpressionProcessed", Level = LogLevel.Information,
        Message = "run {Run} image {ImageId} refs {RefIds}: {Sentences} sentences, {Succeeded} succeeded, {Failed} failed in {Ms} ms (delivery {DequeueCount}){Error}")]
    private partial void LogProcessedCore(string run, string imageId, string refIds, int sentences, int succeeded, int failed, long ms, long dequeueCount, string error);

    private void LogProcessed(ExpressionMessage message, int succeeded, int failed, long ms, long dequeueCount, string? error) =>
        LogProcessedCore(message.Run, message.ImageId, string.Join(",", message.Objects.Select(o => o.RefId)), message.AllSentences().Count(),
            succeeded, failed, ms, dequeueCount, error is null ? string.Empty : $": {error}");

    [LoggerMessage(EventId = 201, EventName = "MalformedMessage", Level = LogLevel.Warning,
        Message = "unreadable vpd-expressions message recorded as failed (delivery {DequeueCount}): {Reason}")]
    private partial void LogMalformed(string reason, long dequeueCount);
}
