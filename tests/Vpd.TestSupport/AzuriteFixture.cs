using Vpd.Cli.Local;
using Xunit;

namespace Vpd.TestSupport;

/// <summary>
/// Starts Azurite (blob, queue, table) on free loopback ports with in-memory persistence through the
/// product's <see cref="AzuriteProcess"/>, waits until every service answers, and on dispose stops only
/// the process it started. Share one per test assembly through a collection fixture; tests use unique
/// container/queue/table names.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;

    public string ConnectionString => Azurite.ConnectionString;

    public int BlobPort => Azurite.Ports.Blob;

    public int QueuePort => Azurite.Ports.Queue;

    public int TablePort => Azurite.Ports.Table;

    private AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("Azurite fixture not initialised");

    public async Task InitializeAsync() =>
        _azurite = await AzuriteProcess.StartAsync(AzuriteProcess.FindLauncher(RepoPaths.Root));

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    /// <summary>A unique lowercase name valid for a blob container or a queue.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)].ToLowerInvariant();

    /// <summary>A unique name valid for a table (letters and digits, starting with a letter).</summary>
    public static string UniqueTableName(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 32)];
}
