using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Vpd.Pipeline.Storage;

/// <summary>
/// The blob, queue and table clients of one storage account, with the pipeline's names. Only the storage gateway
/// (<see cref="PipelineStorage"/>) and the local worker use them. Queue clients send base64, the Functions queue
/// extension's encoding; the local worker receives raw bodies and decodes them itself, so that a body that is not
/// base64 is recorded with that reason instead of being skipped.
/// </summary>
/// <remarks>Azurite rejects the API version these SDKs send unless started with <c>--skipApiVersionCheck</c>.</remarks>
public sealed class StorageClients
{
    private readonly QueueServiceClient _rawQueues;

    private StorageClients(
        BlobServiceClient blobs, QueueServiceClient queues, QueueServiceClient rawQueues, TableServiceClient tables, StorageNames names, string description)
    {
        Blobs = blobs;
        Queues = queues;
        _rawQueues = rawQueues;
        Tables = tables;
        Names = names;
        Description = description;
    }

    public BlobServiceClient Blobs { get; }

    public QueueServiceClient Queues { get; }

    public TableServiceClient Tables { get; }

    public StorageNames Names { get; }

    /// <summary>The account as a person recognises it (endpoint), for messages; never holds a key.</summary>
    public string Description { get; }

    /// <summary>A queue of this account that sends and receives base64 bodies.</summary>
    public QueueClient Queue(string name) => Queues.GetQueueClient(name);

    /// <summary>The same queue without message encoding: receives bodies exactly as stored.</summary>
    public QueueClient RawQueue(string name) => _rawQueues.GetQueueClient(name);

    /// <summary>Clients from a connection string (Azurite's or a real account's).</summary>
    public static StorageClients FromConnectionString(string connectionString, StorageNames? names = null, StorageRetry retry = StorageRetry.Service)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var blobs = new BlobServiceClient(connectionString, Configure(new BlobClientOptions(), retry));
        return new StorageClients(
            blobs,
            new QueueServiceClient(connectionString, QueueOptions(retry, QueueMessageEncoding.Base64)),
            new QueueServiceClient(connectionString, QueueOptions(retry, QueueMessageEncoding.None)),
            new TableServiceClient(connectionString, Configure(new TableClientOptions(), retry)),
            names ?? StorageNames.Default,
            blobs.Uri.GetLeftPart(UriPartial.Path));
    }

    /// <summary>
    /// Clients for <c>https://{account}.{blob|queue|table}.core.windows.net</c> with Azure AD (<see cref="DefaultAzureCredential"/>
    /// unless a credential is given): no keys in settings.
    /// </summary>
    public static StorageClients FromAccount(
        string accountName, TokenCredential? credential = null, StorageNames? names = null, StorageRetry retry = StorageRetry.Service)
    {
        if (string.IsNullOrEmpty(accountName) || accountName.Length is < 3 or > 24 ||
            !accountName.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new ArgumentException(
                $"storage account name '{accountName}' is invalid: 3..24 lowercase letters or digits", nameof(accountName));
        }
        credential ??= new DefaultAzureCredential();
        var blobs = new BlobServiceClient(new Uri($"https://{accountName}.blob.core.windows.net"), credential, Configure(new BlobClientOptions(), retry));
        return new StorageClients(
            blobs,
            new QueueServiceClient(new Uri($"https://{accountName}.queue.core.windows.net"), credential, QueueOptions(retry, QueueMessageEncoding.Base64)),
            new QueueServiceClient(new Uri($"https://{accountName}.queue.core.windows.net"), credential, QueueOptions(retry, QueueMessageEncoding.None)),
            new TableServiceClient(new Uri($"https://{accountName}.table.core.windows.net"), credential, Configure(new TableClientOptions(), retry)),
            names ?? StorageNames.Default,
            $"storage account {accountName} ({blobs.Uri})");
    }

    private static QueueClientOptions QueueOptions(StorageRetry retry, QueueMessageEncoding encoding) =>
        Configure(new QueueClientOptions { MessageEncoding = encoding }, retry);

    private static T Configure<T>(T options, StorageRetry retry) where T : ClientOptions
    {
        if (retry == StorageRetry.Interactive)
        {
            options.Retry.MaxRetries = 2;
            options.Retry.Delay = TimeSpan.FromMilliseconds(300);
            options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
            options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        }
        return options;
    }
}
