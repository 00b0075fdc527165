using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Vpd.Core.Contracts;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Processing;

/// <summary>
/// Turns a vpd-expressions message that cannot be processed into failed VpdSamples rows, so that no
/// sentence is ever silently lost. A message whose run, refId and sentence indexes can still be read
/// gets one failed row per sentence in its run's partition (and so counts as failed in the run's
/// metrics); anything less readable becomes one row in the <c>_malformed</c> partition holding the
/// message text, keyed by its hash (so a redelivery writes the same row).
/// </summary>
public sealed class FailureRecorder(StorageClients storage, TimeProvider time)
{
    /// <summary>How much of an unreadable message is kept in its row.</summary>
    public const int MaxStoredMessageLength = 16_000;

    /// <param name="keepSucceeded">Leave sentences that already have a succeeded row alone (the poison path:
    /// a message may have failed after some of its work was recorded).</param>
    /// <returns>How many rows were written.</returns>
    public async Task<int> RecordAsync(string messageText, string reason, bool keepSucceeded, CancellationToken cancellationToken)
    {
        var target = Readable.From(messageText);
        if (target is null)
        {
            await RecordMalformedAsync(messageText, reason, cancellationToken);
            return 1;
        }
        var now = time.GetUtcNow();
        var rows = new List<TableEntity>();
        foreach (var index in target.SentenceIndexes)
        {
            if (keepSucceeded && await HasSucceededRowAsync(target.Run, target.RefId, index, cancellationToken))
            {
                continue;
            }
            rows.Add(SampleRows.Failed(target.Run, target.RefId, index, target.ImageId, reason, now));
        }
        await UpsertAllAsync(storage.Samples, rows, cancellationToken);
        return rows.Count;
    }

    public async Task RecordMalformedAsync(string messageText, string reason, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageText)));
        var stored = messageText.Length <= MaxStoredMessageLength ? messageText : messageText[..MaxStoredMessageLength];
        var row = new TableEntity(StorageLayout.MalformedPartition, key)
        {
            ["Status"] = SampleStatus.Failed,
            ["Error"] = SampleRows.Truncate(reason),
            ["Message"] = stored,
            ["CompletedUtc"] = time.GetUtcNow(),
        };
        await storage.Samples.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Upserts rows of one partition in transactions of at most 100 (the table service's limit).</summary>
    internal static async Task UpsertAllAsync(TableClient table, IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        foreach (var chunk in rows.Chunk(100))
        {
            var actions = chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r));
            await table.SubmitTransactionAsync(actions, cancellationToken);
        }
    }

    private async Task<bool> HasSucceededRowAsync(string run, string refId, int index, CancellationToken cancellationToken)
    {
        var existing = await storage.Samples.GetEntityIfExistsAsync<TableEntity>(
            run, StorageLayout.SampleKey(refId, index), ["Status"], cancellationToken);
        return existing.HasValue && existing.Value!.GetString("Status") == SampleStatus.Succeeded;
    }

    /// <summary>What can still be read from a message that failed full validation.</summary>
    private sealed record Readable(string Run, string RefId, string? ImageId, IReadOnlyList<int> SentenceIndexes)
    {
        public static Readable? From(string messageText)
        {
            try
            {
                using var doc = JsonDocument.Parse(messageText);
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object ||
                    !root.TryGetProperty("run", out var run) || run.ValueKind != JsonValueKind.String || !Ids.IsValid(run.GetString()) ||
                    !root.TryGetProperty("refId", out var refId) || refId.ValueKind != JsonValueKind.String || !Ids.IsValid(refId.GetString()) ||
                    !root.TryGetProperty("sentences", out var sentences) || sentences.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }
                var indexes = new List<int>();
                foreach (var sentence in sentences.EnumerateArray())
                {
                    if (sentence.ValueKind != JsonValueKind.Object || !sentence.TryGetProperty("index", out var index) ||
                        !index.TryGetInt32(out var value) || value < 0)
                    {
                        return null;
                    }
                    if (!indexes.Contains(value))
                    {
                        // A repeated index names the same row twice: one failed row records both.
                        indexes.Add(value);
                    }
                }
                if (indexes.Count == 0)
                {
                    return null;
                }
                string? imageId = root.TryGetProperty("imageId", out var image) && image.ValueKind == JsonValueKind.String
                    ? image.GetString()
                    : null;
                return new Readable(run.GetString()!, refId.GetString()!, imageId, indexes);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
