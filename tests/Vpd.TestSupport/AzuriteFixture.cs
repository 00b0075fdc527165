using Xunit;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vpd.TestSupport;

/// <summary>
/// Starts Azurite (blob, queue, table) on free loopback ports with in-memory persistence, waits until
/// every service answers, and on dispose stops only the process it started. Share one per test
/// assembly through a collection fixture; tests use unique container/queue/table names.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    // Azurite's published development account; a well-known public value, not a secret.
    private const string DevAccount = "devstoreaccount1";
    private const string DevKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private Process? _process;
    private TempDir? _workDir;
    private readonly System.Text.StringBuilder _output = new();

    public int BlobPort { get; private set; }
    public int QueuePort { get; private set; }
    public int TablePort { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={DevAccount};AccountKey={DevKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{DevAccount};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{DevAccount};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{DevAccount};";

    /// <summary>The azurite launcher installed by <c>npm ci --prefix tools/azurite</c>.</summary>
    public static string AzuriteBin => Path.Combine(RepoPaths.Root, "tools", "azurite", "node_modules", ".bin", "azurite");

    public async Task InitializeAsync()
    {
        if (!File.Exists(AzuriteBin))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed at {AzuriteBin}: run `npm ci --prefix tools/azurite` (the README's test command does).");
        }
        BlobPort = FreePort();
        QueuePort = FreePort();
        TablePort = FreePort();
        _workDir = new TempDir("azurite");
        var info = new ProcessStartInfo(AzuriteBin)
        {
            WorkingDirectory = _workDir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
                     "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(),
                     "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(),
                     "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(),
                 })
        {
            info.ArgumentList.Add(arg);
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start Azurite");
        _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            while (!await AnswersAsync(port))
            {
                if (_process.HasExited || DateTime.UtcNow > deadline)
                {
                    string log;
                    lock (_output) { log = _output.ToString(); }
                    throw new InvalidOperationException($"Azurite did not answer on 127.0.0.1:{port}. Its output:\n{log}");
                }
                await Task.Delay(200);
            }
        }
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            // SIGTERM sometimes leaves Azurite running; in-memory persistence has nothing to flush.
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process?.Dispose();
        _workDir?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A unique lowercase name valid for a blob container or a queue.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)].ToLowerInvariant();

    /// <summary>A unique name valid for a table (letters and digits, starting with a letter).</summary>
    public static string UniqueTableName(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 32)];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
