using System.CommandLine;
using Vpd.Cli.Local;
using Vpd.Pipeline.Storage;

namespace Vpd.Cli.Common;

/// <summary>
/// Storage for the CLI's storage verbs on a fresh machine: with the default development connection and nothing
/// answering on Azurite's ports, starts Azurite there for the verb's duration -- over a data folder under the user's
/// cache (<see cref="DataDirectory"/>), so a run the demo made can be queried, reported and drawn by later verbs;
/// in memory for a benchmark -- and stops it at the end. An Azurite already running, or any other account, is used
/// as is.
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

    /// <summary>Where Azurite keeps the local data between verbs: <c>$XDG_CACHE_HOME/vpd/azurite</c>, else <c>~/.cache/vpd/azurite</c>.</summary>
    public static string DataDirectory => Path.Combine(Path.GetDirectoryName(Commands.DemoCommand.DefaultDataRoot())!, "azurite");

    /// <param name="log">Where to say that Azurite is being started (the verb's error writer: never its output).</param>
    /// <param name="persistent">Keep what the verb writes for later verbs (false: in memory, for benchmarks).</param>
    public static async Task<LocalAzurite> EnsureAsync(
        ParseResult parse, StorageOptions options, TextWriter log, StorageRetry retry, CancellationToken cancellationToken, bool persistent = true)
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
        var where = persistent ? DataDirectory : "in memory";
        log.WriteLine($"starting Azurite ({where}, 127.0.0.1:{AzuriteProcess.DefaultPorts.Blob}-{AzuriteProcess.DefaultPorts.Table}) from {launcher}");
        var started = await AzuriteProcess.StartAsync(
            launcher, AzuriteProcess.DefaultPorts, cancellationToken: cancellationToken, dataDirectory: persistent ? DataDirectory : null);
        var clients = options.Create(parse, started.ConnectionString, retry);
        return new LocalAzurite(clients, started,
            $"{clients.Description} (Azurite started by this command over {where}, pid {string.Join(", ", started.ProcessIds)}; stopped at the end" +
            (persistent ? ", its data kept for later verbs)" : ")"));
    }

    public async ValueTask DisposeAsync()
    {
        if (_started is not null)
        {
            await _started.DisposeAsync();
        }
    }
}
