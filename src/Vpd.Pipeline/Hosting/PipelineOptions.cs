using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;

namespace Vpd.Pipeline.Hosting;

/// <summary>What a host gives <see cref="PipelineServiceCollectionExtensions.AddVpdPipeline"/>: its storage and its own settings.</summary>
public sealed class PipelineOptions
{
    /// <summary>The storage account's clients (required).</summary>
    public Func<IServiceProvider, StorageClients>? Storage { get; set; }

    public HostSettings Host { get; set; } = HostSettings.Cpu;

    public AggregatorOptions Aggregator { get; set; } = new();

    public WorkerOptions Worker { get; set; } = new();

    /// <summary>Bytes of decoded images a worker keeps for the next objects of the same image.</summary>
    public long DecodedImageCacheBytes { get; set; } = InputStore.DefaultCacheBytes;

    /// <summary>The segmenters; default: the VPD model for model runs and the threshold segmenter for threshold runs.</summary>
    public ISegmenterFactory? Segmenters { get; set; }
}
