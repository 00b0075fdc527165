using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Enqueue;
using Vpd.Pipeline.Hosting;
using Vpd.Pipeline.Storage;
using Vpd.Pipeline.Worker;

namespace Vpd.Cli.Common;

/// <summary>
/// A verb's pipeline: the same composition as the Functions app (<see cref="PipelineServiceCollectionExtensions.AddVpdPipeline"/>)
/// over the verb's storage, logging to the verb's error writer.
/// </summary>
public sealed class CliPipeline : IDisposable
{
    private readonly ServiceProvider _services;

    private CliPipeline(ServiceProvider services) => _services = services;

    public static CliPipeline Create(StorageClients storage, TextWriter log, LogLevel logLevel, Action<PipelineOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.ClearProviders().SetMinimumLevel(logLevel).AddProvider(new TextWriterLoggerProvider(log, logLevel)));
        services.AddVpdPipeline(options =>
        {
            options.Storage = _ => storage;
            configure?.Invoke(options);
        });
        return new CliPipeline(services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true }));
    }

    public PipelineStorage Storage => Get<PipelineStorage>();

    public RunAggregator Aggregator => Get<RunAggregator>();

    public RunEnqueuer Enqueuer => Get<RunEnqueuer>();

    public LocalQueueWorker Worker => Get<LocalQueueWorker>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public void Dispose() => _services.Dispose();
}
