using Vpd.Pipeline.Queues;

namespace Vpd.Pipeline.Storage;

/// <summary>
/// The storage gateway: everything the pipeline keeps in one account, by what it is. Runs (manifests, sentence sets,
/// metrics, reports, masks, attention maps, the messages that drive a run), samples (the per-sentence result rows),
/// inputs (images and truth masks) and models. No other code spells a blob name, a table column or a queue send.
/// </summary>
public sealed class PipelineStorage
{
    public PipelineStorage(StorageClients clients, long decodedImageCacheBytes = InputStore.DefaultCacheBytes)
    {
        Clients = clients;
        Runs = new RunStore(clients);
        Samples = new SampleStore(clients);
        Inputs = new InputStore(clients, decodedImageCacheBytes);
        Models = new ModelStore(clients);
    }

    public StorageClients Clients { get; }

    public RunStore Runs { get; }

    public SampleStore Samples { get; }

    public InputStore Inputs { get; }

    public ModelStore Models { get; }

    /// <summary>Where the data is, for people (endpoint; never a key).</summary>
    public string Description => Clients.Description;

    /// <summary>Creates every container, queue and table that does not exist yet.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        var names = Clients.Names;
        foreach (var container in new[] { names.InputsContainer, names.ModelsContainer, names.RunsContainer })
        {
            await Clients.Blobs.GetBlobContainerClient(container).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        foreach (var queue in new[] { names.ExpressionsQueue, names.ExpressionsPoisonQueue, names.AggregateQueue, names.AggregatePoisonQueue })
        {
            await Clients.Queue(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        await Clients.Tables.GetTableClient(names.SamplesTable).CreateIfNotExistsAsync(cancellationToken);
        await Clients.Tables.GetTableClient(names.RunsTable).CreateIfNotExistsAsync(cancellationToken);
    }

    /// <summary>Messages in the pipeline's queues, invisible ones (in progress or delayed) included.</summary>
    public async Task<long> QueuedMessagesAsync(bool includeAggregate, CancellationToken cancellationToken)
    {
        var names = Clients.Names;
        var queues = includeAggregate
            ? new[] { names.ExpressionsQueue, names.ExpressionsPoisonQueue, names.AggregateQueue, names.AggregatePoisonQueue }
            : new[] { names.ExpressionsQueue, names.ExpressionsPoisonQueue };
        long total = 0;
        foreach (var queue in queues)
        {
            total += (await Clients.Queue(queue).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }
        return total;
    }

    /// <summary>Messages in vpd-expressions, visible or being processed (the service's approximate count).</summary>
    public async Task<long> ExpressionsWaitingAsync(CancellationToken cancellationToken) =>
        (await Clients.Queue(Clients.Names.ExpressionsQueue).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;

    /// <summary>The actual name of a logical queue (<see cref="PipelineQueues"/>) in this account.</summary>
    public string QueueName(string logicalQueue) => logicalQueue switch
    {
        PipelineQueues.Expressions => Clients.Names.ExpressionsQueue,
        PipelineQueues.ExpressionsPoison => Clients.Names.ExpressionsPoisonQueue,
        PipelineQueues.Aggregate => Clients.Names.AggregateQueue,
        PipelineQueues.AggregatePoison => Clients.Names.AggregatePoisonQueue,
        _ => throw new ArgumentException($"'{logicalQueue}' is not one of the pipeline's queues", nameof(logicalQueue)),
    };
}
