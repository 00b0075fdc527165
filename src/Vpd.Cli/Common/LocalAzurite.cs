using System.CommandLine;
using Vpd.Cli.Local;
using Vpd.Pipeline.Storage;

namespace Vpd.Cli.Common;

/// <summary>
/// Storage for verbs that must work on a fresh machine (<c>vpd demo</c>, <c>vpd bench pipeline</c>): with
/// the default development connection and nothing answering on Azurite's ports, starts Azurite there
/// (in memory) and stops it at the end; an Azurite already running, or any other account, is used as is.
/// </summary>
public sealed class LocalAzurite : IAsyncDisposable
{
    private readonly AzuriteProcess? _started;

    private LocalAzurite(StorageClients storage, AzuriteProcess? started, string description)
    {
        Storage = storage;
        _started = started;
        Description = description;
    }

    public StorageClients Storage { get; }

    /// <summary>Where the data is, for the user: the endpoint and whether we started it.</summary>
    public string Description { get; }

    public bool StartedHere => _started is not null;

    /// <param name="log">Where to say that Azurite is being started (the verb's error writer: never its output).</param>
    public static async Task<LocalAzurite> EnsureAsync(
        ParseResult parse, StorageOptions options, TextWriter log, StorageRetry retry, CancellationToken cancellationToken)
    {
        if (!options.IsDevelopmentStorage(parse))
        {
            var storage = options.Create(parse, retry: retry);
            return new LocalAzurite(storage, null, storage.Description);
        }
        if (await AzuriteProcess.IsReachableAsync(AzuriteProcess.DefaultPorts, cancellationToken))
        {
            var storage = options.Create(parse, retry: retry);
            return new LocalAzurite(storage, null, $"{storage.Description} (the Azurite already running)");
        }
        var launcher = AzuriteProcess.FindLauncher();
        log.WriteLine($"starting Azurite (in memory, 127.0.0.1:{AzuriteProcess.DefaultPorts.Blob}-{AzuriteProcess.DefaultPorts.Table}) from {launcher}");
        var started = await AzuriteProcess.StartAsync(launcher, AzuriteProcess.DefaultPorts, cancellationToken: cancellationToken);
        var clients = options.Create(parse, started.ConnectionString, retry);
        return new LocalAzurite(clients, started, $"{clients.Description} (Azurite started by this command, pid {started.ProcessId}; stopped at the end)");
    }

    public async ValueTask DisposeAsync()
    {
        if (_started is not null)
        {
            await _started.DisposeAsync();
        }
    }
}
