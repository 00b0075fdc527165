using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Vpd.Core.Contracts;

namespace Vpd.Pipeline.Storage;

/// <summary>
/// The VpdSamples table: one row per sentence result, PartitionKey = run, RowKey = <see cref="SampleId"/>; and the
/// <c>_malformed</c> partition for messages that name no readable run or object. This type alone knows the columns.
/// Rows are written with upsert-replace, so a redelivered message leaves exactly one row per sentence and no stale
/// column from an earlier attempt.
/// </summary>
public sealed class SampleStore(StorageClients storage)
{
    /// <summary>Table string properties hold at most 32K characters; errors are cut well below that.</summary>
    public const int MaxErrorLength = 4000;

    /// <summary>How much of an unreadable message is kept in its row.</summary>
    public const int MaxStoredMessageLength = 16_000;

    private static class Columns
    {
        public const string RefId = "RefId";
        public const string SentenceIndex = "SentenceIndex";
        public const string SentId = "SentId";
        public const string Text = "Text";
        public const string ImageId = "ImageId";
        public const string Status = "Status";
        public const string I = "I";
        public const string U = "U";
        public const string IoU = "IoU";
        public const string Ms = "Ms";
        public const string MaskBlob = "MaskBlob";
        public const string AttentionBlob = "AttentionBlob";
        public const string Error = "Error";
        public const string CompletedUtc = "CompletedUtc";
        public const string DequeueCount = "DequeueCount";
        public const string Device = "Device";
        public const string Message = "Message";
    }

    /// <summary>What the aggregator needs of each row.</summary>
    private static readonly string[] SummaryColumns =
        ["PartitionKey", "RowKey", Columns.Status, Columns.I, Columns.U, Columns.Ms, Columns.CompletedUtc];

    private TableClient Table => storage.Tables.GetTableClient(storage.Names.SamplesTable);

    public string TableName => storage.Names.SamplesTable;

    /// <summary>Upserts rows of one run in transactions of at most 100 (the table service's limit).</summary>
    public async Task UpsertAsync(IReadOnlyList<SampleRow> rows, CancellationToken cancellationToken)
    {
        foreach (var run in rows.GroupBy(r => r.Run, StringComparer.Ordinal))
        {
            foreach (var chunk in run.Chunk(100))
            {
                var actions = chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(r)));
                await Table.SubmitTransactionAsync(actions, cancellationToken);
            }
        }
    }

    /// <summary>Every row of <paramref name="run"/>; <paramref name="summaryOnly"/> reads only status, counts and times.</summary>
    public async IAsyncEnumerable<SampleRow> ReadRunAsync(
        string run, bool summaryOnly, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Ids.Validate(run, "run")}");
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, select: summaryOnly ? SummaryColumns : null, cancellationToken: cancellationToken))
        {
            if (FromEntity(entity) is { } row)
            {
                yield return row;
            }
        }
    }

    /// <summary>The ids of every row of <paramref name="run"/> (whatever their state).</summary>
    public async Task<HashSet<SampleId>> ReadIdsAsync(string run, CancellationToken cancellationToken)
    {
        var ids = new HashSet<SampleId>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Ids.Validate(run, "run")}");
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (SampleId.TryParse(entity.RowKey, out var id))
            {
                ids.Add(id);
            }
        }
        return ids;
    }

    public async Task<SampleRow?> FindAsync(string run, SampleId id, CancellationToken cancellationToken)
    {
        var entity = await Table.GetEntityIfExistsAsync<TableEntity>(Ids.Validate(run, "run"), id.ToString(), cancellationToken: cancellationToken);
        return entity.HasValue ? FromEntity(entity.Value!) : null;
    }

    /// <summary>
    /// A message that names no readable run or object: one row in the <c>_malformed</c> partition holding its text,
    /// keyed by the text's SHA-256 so a redelivery writes the same row.
    /// </summary>
    public async Task RecordMalformedAsync(string messageText, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageText)));
        var entity = new TableEntity(StorageLayout.MalformedPartition, key)
        {
            [Columns.Status] = StatusText(SampleStatus.Failed),
            [Columns.Error] = Truncate(reason),
            [Columns.Message] = messageText.Length <= MaxStoredMessageLength ? messageText : messageText[..MaxStoredMessageLength],
            [Columns.CompletedUtc] = now,
        };
        await Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The reasons recorded for unreadable messages, newest first (at most <paramref name="limit"/>).</summary>
    public async Task<IReadOnlyList<(DateTimeOffset When, string Reason)>> ReadMalformedAsync(int limit, CancellationToken cancellationToken)
    {
        var found = new List<(DateTimeOffset, string)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {StorageLayout.MalformedPartition}");
        await foreach (var entity in Table.QueryAsync<TableEntity>(filter, select: [Columns.Error, Columns.CompletedUtc], cancellationToken: cancellationToken))
        {
            found.Add((entity.GetDateTimeOffset(Columns.CompletedUtc) ?? DateTimeOffset.MinValue, entity.GetString(Columns.Error) ?? string.Empty));
        }
        return [.. found.OrderByDescending(f => f.Item1).Take(limit)];
    }

    public static string Truncate(string text) =>
        text.Length <= MaxErrorLength ? text : string.Concat(text.AsSpan(0, MaxErrorLength), "...");

    private static string StatusText(SampleStatus status) => status == SampleStatus.Succeeded ? "succeeded" : "failed";

    private static TableEntity ToEntity(SampleRow row)
    {
        var entity = new TableEntity(Ids.Validate(row.Run, "run"), row.Id.ToString())
        {
            [Columns.RefId] = row.Id.RefId,
            [Columns.SentenceIndex] = row.Id.Index,
            [Columns.Status] = StatusText(row.Status),
            [Columns.CompletedUtc] = row.CompletedUtc,
            [Columns.DequeueCount] = row.DequeueCount,
        };
        Optional(entity, Columns.SentId, row.SentId);
        Optional(entity, Columns.Text, row.Text is null ? null : Truncate(row.Text));
        Optional(entity, Columns.ImageId, row.ImageId);
        if (row.Status == SampleStatus.Succeeded)
        {
            entity[Columns.I] = row.Intersection;
            entity[Columns.U] = row.Union;
            entity[Columns.IoU] = row.Iou;
            entity[Columns.Ms] = row.Ms;
            entity[Columns.MaskBlob] = StorageLayout.MaskBlob(row.Run, row.Id);
            Optional(entity, Columns.Device, row.Device);
            if (row.HasAttention)
            {
                entity[Columns.AttentionBlob] = StorageLayout.AttentionBlob(row.Run, row.Id);
            }
        }
        else
        {
            entity[Columns.Error] = Truncate(row.Error ?? "failed");
        }
        return entity;
    }

    private static void Optional(TableEntity entity, string column, object? value)
    {
        if (value is not null)
        {
            entity[column] = value;
        }
    }

    /// <summary>A row of a run partition; null for a row this code did not write (its key is not a sample id).</summary>
    private static SampleRow? FromEntity(TableEntity entity)
    {
        if (!SampleId.TryParse(entity.RowKey, out var id))
        {
            return null;
        }
        var succeeded = entity.GetString(Columns.Status) == StatusText(SampleStatus.Succeeded);
        return new SampleRow
        {
            Run = entity.PartitionKey,
            Id = id,
            // Anything not succeeded is failed: a row is only written in a final state.
            Status = succeeded ? SampleStatus.Succeeded : SampleStatus.Failed,
            CompletedUtc = entity.GetDateTimeOffset(Columns.CompletedUtc) ?? DateTimeOffset.MinValue,
            SentId = entity.GetInt64(Columns.SentId),
            Text = entity.GetString(Columns.Text),
            ImageId = entity.GetString(Columns.ImageId),
            Intersection = entity.GetInt64(Columns.I) ?? 0,
            Union = entity.GetInt64(Columns.U) ?? 0,
            Iou = entity.GetDouble(Columns.IoU) ?? 0,
            Ms = entity.GetDouble(Columns.Ms) ?? 0,
            Error = entity.GetString(Columns.Error),
            DequeueCount = entity.GetInt64(Columns.DequeueCount) ?? entity.GetInt32(Columns.DequeueCount) ?? 0,
            Device = entity.GetString(Columns.Device),
            HasAttention = entity.GetString(Columns.AttentionBlob) is not null,
        };
    }

}
