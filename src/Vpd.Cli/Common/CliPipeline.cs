using System.CommandLine;
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
public sealed class CliPipeline : IDisposable, IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private LocalAzurite? _azurite;

    private CliPipeline(ServiceProvider services) => _services = services;

    /// <summary>
    /// The pipeline over the verb's storage options, starting a local Azurite when they name the development storage
    /// and none runs (<see cref="LocalAzurite"/>); disposing stops what was started.
    /// </summary>
    public static async Task<CliPipeline> OpenAsync(
        ParseResult parse, StorageOptions options, LogLevel logLevel, CancellationToken cancellationToken,
        StorageRetry retry = StorageRetry.Interactive, Action<PipelineOptions>? configure = null, bool persistent = true)
    {
        var io = parse.InvocationConfiguration;
        var azurite = await LocalAzurite.EnsureAsync(parse, options, io.Error, retry, cancellationToken, persistent);
        var pipeline = Create(azurite.Storage, io.Error, logLevel, configure);
        pipeline._azurite = azurite;
        return pipeline;
    }

    /// <summary>Where the data is, for the user.</summary>
    public string StorageDescription => _azurite?.Description ?? Storage.Description;

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

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
