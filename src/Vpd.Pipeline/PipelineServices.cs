using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Enqueue;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;

namespace Vpd.Pipeline;

/// <summary>
/// The pipeline's services wired together over one storage account: what the CLI builds per command and
/// the Functions app registers as singletons (one model cache per process).
/// </summary>
public sealed class PipelineServices : IDisposable
{
    public PipelineServices(
        StorageClients storage, ISegmenterFactory segmenters, AggregatorOptions? aggregator = null,
        string? modelCacheDirectory = null, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        Storage = storage;
        Manifests = new ManifestStore(storage);
        Models = new ModelCache(storage, segmenters, modelCacheDirectory);
        Failures = new FailureRecorder(storage, time);
        Inputs = new InputStore(storage);
        Processor = new ExpressionProcessor(storage, Manifests, Inputs, Models, Failures, time);
        Poison = new PoisonHandler(Failures);
        Aggregator = new RunAggregator(storage, Failures, aggregator ?? new AggregatorOptions(), time);
        Enqueuer = new RunEnqueuer(storage, time);
    }

    public StorageClients Storage { get; }

    public ManifestStore Manifests { get; }

    public InputStore Inputs { get; }

    public ModelCache Models { get; }

    public FailureRecorder Failures { get; }

    public ExpressionProcessor Processor { get; }

    public PoisonHandler Poison { get; }

    public RunAggregator Aggregator { get; }

    public RunEnqueuer Enqueuer { get; }

    public LocalQueueWorker CreateWorker(WorkerOptions options, IProgress<WorkerEvent>? progress = null) =>
        new(Storage, Processor, Poison, Aggregator, options, progress);

    public void Dispose() => Models.Dispose();
}
