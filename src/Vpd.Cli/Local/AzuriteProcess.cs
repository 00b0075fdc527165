using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vpd.Cli.Local;

/// <summary>
/// An Azurite (blob, queue, table) this program started on loopback, in memory or over a data folder, with
/// <c>--skipApiVersionCheck</c> (the storage SDKs here send an API version Azurite does not know). Each service runs in
/// a process of its own when the per-service launchers are installed beside <c>azurite</c> (they are in the npm
/// package): one combined process keeps every blob and every queue message in one in-memory store whose removals
/// cost time in proportion to everything stored, and it runs all three services on one Node.js thread
/// (docs/performance.md, "Pipeline throughput and run size"). Disposing stops only these processes. Used by the
/// CLI's storage verbs on a fresh machine and by the test fixture.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's published development account; a well-known public value, not a secret.</summary>
    public const string DevAccount = "devstoreaccount1";

    public const string DevKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The ports <c>UseDevelopmentStorage=true</c> points at.</summary>
    public static readonly (int Blob, int Queue, int Table) DefaultPorts = (10000, 10001, 10002);

    private readonly List<Process> _processes = [];
    private readonly string _workDir;
    private readonly StringBuilder _output = new();

    private readonly bool _persistent;

    private AzuriteProcess(string workDir, (int Blob, int Queue, int Table) ports, bool persistent)
    {
        _workDir = workDir;
        Ports = ports;
        _persistent = persistent;
    }

    public (int Blob, int Queue, int Table) Ports { get; }

    /// <summary>The process ids: one per service, or one for all three.</summary>
    public IReadOnlyList<int> ProcessIds => [.. _processes.Select(p => p.Id)];

    public string ConnectionString => ConnectionStringFor(Ports);

    public static string ConnectionStringFor((int Blob, int Queue, int Table) ports) =>
        string.Create(CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={DevAccount};AccountKey={DevKey};" +
            $"BlobEndpoint=http://127.0.0.1:{ports.Blob}/{DevAccount};" +
            $"QueueEndpoint=http://127.0.0.1:{ports.Queue}/{DevAccount};" +
            $"TableEndpoint=http://127.0.0.1:{ports.Table}/{DevAccount};");

    /// <summary>
    /// The azurite launcher: <c>VPD_AZURITE</c> if set, else <c>tools/azurite/node_modules/.bin/azurite</c> in
    /// the first folder above <paramref name="searchFrom"/> (or the current folder, then this program's) that has one.
    /// </summary>
    /// <exception cref="FileNotFoundException">No launcher found; the message says how to install one.</exception>
    public static string FindLauncher(params string[] searchFrom)
    {
        if (Environment.GetEnvironmentVariable("VPD_AZURITE") is { Length: > 0 } fromEnv)
        {
            return File.Exists(fromEnv) ? fromEnv : throw new FileNotFoundException($"VPD_AZURITE names {fromEnv}, which does not exist", fromEnv);
        }
        var starts = searchFrom.Length > 0 ? searchFrom : [Directory.GetCurrentDirectory(), AppContext.BaseDirectory];
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tools", "azurite", "node_modules", ".bin", "azurite");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        throw new FileNotFoundException(
            "Azurite is not installed: run `npm ci --prefix tools/azurite` in the repository, or set VPD_AZURITE to an azurite launcher");
    }

    /// <summary>Whether something accepts connections on all three ports of 127.0.0.1.</summary>
    public static async Task<bool> IsReachableAsync((int Blob, int Queue, int Table) ports, CancellationToken cancellationToken = default)
    {
        foreach (var port in new[] { ports.Blob, ports.Queue, ports.Table })
        {
            if (!await AnswersAsync(port, cancellationToken))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Starts Azurite on <paramref name="ports"/> (free loopback ports when null) and waits until every
    /// service answers. With <paramref name="dataDirectory"/> its data lives in that folder and outlives the process
    /// (the next start over the folder sees it); without, in memory.
    /// </summary>
    /// <exception cref="InvalidOperationException">It exited or did not answer in time; the message holds its output.</exception>
    public static async Task<AzuriteProcess> StartAsync(
        string launcher, (int Blob, int Queue, int Table)? ports = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default,
        string? dataDirectory = null)
    {
        if (ports is not null)
        {
            return await StartOnAsync(launcher, ports.Value, timeout, dataDirectory, cancellationToken);
        }
        // Free ports can be taken by another process between our choosing and Azurite's binding; choose again then.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnAsync(launcher, FreeLoopbackPorts(), timeout, dataDirectory, cancellationToken);
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
            }
        }
    }

    private static async Task<AzuriteProcess> StartOnAsync(
        string launcher, (int Blob, int Queue, int Table) chosen, TimeSpan? timeout, string? dataDirectory, CancellationToken cancellationToken)
    {
        var workDir = Path.Combine(Path.GetTempPath(), $"vpd-azurite-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workDir);
        if (dataDirectory is not null)
        {
            Directory.CreateDirectory(dataDirectory);
        }
        var azurite = new AzuriteProcess(workDir, chosen, dataDirectory is not null);
        try
        {
            // Over a data folder the services share it: each keeps its own files there (__azurite_db_blob__.json, ...).
            var services = new (string Name, int Port)[] { ("blob", chosen.Blob), ("queue", chosen.Queue), ("table", chosen.Table) };
            if (services.All(s => File.Exists(ServiceLauncher(launcher, s.Name))))
            {
                foreach (var (name, port) in services)
                {
                    azurite.Start(ServiceLauncher(launcher, name), workDir, dataDirectory, [$"--{name}Host", "127.0.0.1", $"--{name}Port", Invariant(port)]);
                }
            }
            else
            {
                azurite.Start(launcher, workDir, dataDirectory, [.. services.SelectMany(s => new[] { $"--{s.Name}Host", "127.0.0.1", $"--{s.Name}Port", Invariant(s.Port) })]);
            }
            await azurite.WaitUntilAnsweringAsync(timeout ?? TimeSpan.FromSeconds(60), cancellationToken);
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>azurite-blob</c> beside <c>azurite</c> (the npm package's launchers).</summary>
    private static string ServiceLauncher(string launcher, string service) => $"{launcher}-{service}";

    private void Start(string launcher, string workDir, string? dataDirectory, IEnumerable<string> endpointArgs)
    {
        var info = new ProcessStartInfo(launcher)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (dataDirectory is null)
        {
            info.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            info.ArgumentList.Add("--location");
            info.ArgumentList.Add(dataDirectory);
        }
        // No access log (--silent): a line per request costs Azurite's Node thread time and would fill our buffer.
        foreach (var arg in new[] { "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent" }.Concat(endpointArgs))
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {launcher}");
        _processes.Add(process);
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public ValueTask DisposeAsync()
    {
        if (_persistent && OperatingSystem.IsLinux())
        {
            // Over a data folder, Azurite saves its metadata when it shuts down on SIGTERM: ask each first.
            foreach (var process in _processes.Where(p => !p.HasExited))
            {
                _ = kill(process.Id, SigTerm);
            }
            foreach (var process in _processes)
            {
                process.WaitForExit(15_000);
            }
        }
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                // SIGTERM sometimes leaves Azurite running; in memory there is nothing to save.
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            process.Dispose();
        }
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover empty temp folder is harmless.
        }
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var port in new[] { Ports.Blob, Ports.Queue, Ports.Table })
        {
            while (!await AnswersAsync(port, cancellationToken))
            {
                if (_processes.Any(p => p.HasExited) || DateTime.UtcNow > deadline)
                {
                    string log;
                    lock (_output)
                    {
                        log = _output.ToString();
                    }
                    throw new InvalidOperationException($"Azurite did not answer on 127.0.0.1:{port}. Its output:\n{log}");
                }
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>
    /// Three distinct free loopback ports. All three listeners stay open until the last is chosen: one released
    /// before the next is asked for may be handed out again (CI once gave the blob and table services one port).
    /// </summary>
    public static (int Blob, int Queue, int Table) FreeLoopbackPorts()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(listener => listener.Start());
            var ports = listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port).ToList();
            return (ports[0], ports[1], ports[2]);
        }
        finally
        {
            listeners.ForEach(listener => listener.Stop());
        }
    }

    private static async Task<bool> AnswersAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
