using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Specialized;

namespace Vpd.Pipeline.Storage;

/// <summary>
/// The blob, queue and table clients of one storage account, with the pipeline's names. Queue clients
/// always use base64 message encoding, the Functions queue extension's default, so messages written by
/// <c>vpd enqueue</c> are readable by the Functions host and the other way round.
/// </summary>
/// <remarks>
/// Azurite rejects the API version these SDKs send unless started with <c>--skipApiVersionCheck</c>.
/// </remarks>
public sealed class StorageClients
{
    private StorageClients(BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables, StorageNames names)
    {
        Blobs = blobs;
        Queues = queues;
        Tables = tables;
        Names = names;
    }

    public BlobServiceClient Blobs { get; }

    public QueueServiceClient Queues { get; }

    public TableServiceClient Tables { get; }

    public StorageNames Names { get; }

    public BlobContainerClient Inputs => Blobs.GetBlobContainerClient(Names.InputsContainer);

    public BlobContainerClient Models => Blobs.GetBlobContainerClient(Names.ModelsContainer);

    public BlobContainerClient Runs => Blobs.GetBlobContainerClient(Names.RunsContainer);

    public QueueClient ExpressionsQueue => Queues.GetQueueClient(Names.ExpressionsQueue);

    public QueueClient ExpressionsPoisonQueue => Queues.GetQueueClient(Names.ExpressionsPoisonQueue);

    public QueueClient AggregateQueue => Queues.GetQueueClient(Names.AggregateQueue);

    public QueueClient AggregatePoisonQueue => Queues.GetQueueClient(Names.AggregatePoisonQueue);

    public TableClient Samples => Tables.GetTableClient(Names.SamplesTable);

    public TableClient RunsTable => Tables.GetTableClient(Names.RunsTable);

    /// <summary>Clients from a connection string (Azurite's or a real account's).</summary>
    public static StorageClients FromConnectionString(string connectionString, StorageNames? names = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new StorageClients(
            new BlobServiceClient(connectionString),
            new QueueServiceClient(connectionString, QueueOptions()),
            new TableServiceClient(connectionString),
            names ?? StorageNames.Default);
    }

    /// <summary>
    /// Clients for <c>https://{account}.{blob|queue|table}.core.windows.net</c> with Azure AD
    /// (<see cref="DefaultAzureCredential"/> unless a credential is given): no keys in settings.
    /// </summary>
    public static StorageClients FromAccount(string accountName, TokenCredential? credential = null, StorageNames? names = null)
    {
        if (string.IsNullOrEmpty(accountName) || accountName.Length is < 3 or > 24 ||
            !accountName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new ArgumentException(
                $"storage account name '{accountName}' is invalid: 3..24 lowercase letters or digits", nameof(accountName));
        }
        credential ??= new DefaultAzureCredential();
        return new StorageClients(
            new BlobServiceClient(new Uri($"https://{accountName}.blob.core.windows.net"), credential),
            new QueueServiceClient(new Uri($"https://{accountName}.queue.core.windows.net"), credential, QueueOptions()),
            new TableServiceClient(new Uri($"https://{accountName}.table.core.windows.net"), credential),
            names ?? StorageNames.Default);
    }

    /// <summary>Creates every container, queue and table that does not exist yet.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        foreach (var container in new[] { Inputs, Models, Runs })
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        foreach (var queue in new[] { ExpressionsQueue, ExpressionsPoisonQueue, AggregateQueue, AggregatePoisonQueue })
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        await Samples.CreateIfNotExistsAsync(cancellationToken);
        await RunsTable.CreateIfNotExistsAsync(cancellationToken);
    }

    private static QueueClientOptions QueueOptions()
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.MessageDecodingFailed += MoveUndecodableToPoisonAsync;
        return options;
    }

    /// <summary>
    /// A received message that is not base64 would otherwise be skipped by the SDK on every receive and
    /// never handled. Like the Functions host, move it to the poison queue, where its raw text becomes a
    /// <c>_malformed</c> row.
    /// </summary>
    private static async Task MoveUndecodableToPoisonAsync(QueueMessageDecodingFailedEventArgs args)
    {
        if (args.ReceivedMessage is not { } message)
        {
            return;
        }
        var poison = args.Queue.GetParentQueueServiceClient().GetQueueClient(StorageNames.PoisonQueueOf(args.Queue.Name));
        var text = message.Body.ToString();
        if (args.IsRunningSynchronously)
        {
            poison.CreateIfNotExists(cancellationToken: args.CancellationToken);
            poison.SendMessage(text, TimeSpan.Zero, TimeSpan.FromSeconds(-1), args.CancellationToken);
            args.Queue.DeleteMessage(message.MessageId, message.PopReceipt, args.CancellationToken);
        }
        else
        {
            await poison.CreateIfNotExistsAsync(cancellationToken: args.CancellationToken);
            await poison.SendMessageAsync(text, TimeSpan.Zero, TimeSpan.FromSeconds(-1), args.CancellationToken);
            await args.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, args.CancellationToken);
        }
    }
}
