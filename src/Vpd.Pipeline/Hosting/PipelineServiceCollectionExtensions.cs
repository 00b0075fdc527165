using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Enqueue;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Segmentation;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;

namespace Vpd.Pipeline.Hosting;

/// <summary>The one composition of the pipeline, used by the Functions app's Program.cs and by every <c>vpd</c> verb.</summary>
public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the storage gateway and every pipeline service as singletons (one model cache per process, so a
    /// model stays loaded between messages). Services log through the host's <c>ILogger</c>.
    /// </summary>
    public static IServiceCollection AddVpdPipeline(this IServiceCollection services, Action<PipelineOptions> configure)
    {
        var options = new PipelineOptions();
        configure(options);
        var storage = options.Storage ?? throw new ArgumentException("AddVpdPipeline needs the storage account (PipelineOptions.Storage)");
        options.Host.ValidateName();

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options.Host);
        services.AddSingleton(options.Aggregator);
        services.AddSingleton(options.Worker);
        services.AddSingleton(provider => new PipelineStorage(storage(provider), options.DecodedImageCacheBytes));
        services.AddSingleton(provider => provider.GetRequiredService<PipelineStorage>().Models);
        services.AddSingleton(provider => provider.GetRequiredService<PipelineStorage>().Samples);
        services.AddSingleton(options.Segmenters ?? new SegmenterFactoryByKind(new ModelSegmenterFactory()));
        services.AddSingleton<ModelCache>();
        services.AddSingleton<MessageFailures>();
        services.AddSingleton<ExpressionProcessor>();
        services.AddSingleton<PoisonHandler>();
        services.AddSingleton<RunAggregator>();
        services.AddSingleton<AggregatePoisonHandler>();
        services.AddSingleton<RunEnqueuer>();
        services.AddSingleton<QueueHandlers>();
        services.AddSingleton<LocalQueueWorker>();
        return services;
    }
}
