using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace VpdFunctions.Host.Tests.Harness;

/// <summary>
/// A language worker process started the way the Functions host starts a dotnet-isolated worker: the
/// executable and worker assembly from <c>worker.config.json</c>, the host's command-line arguments (both
/// the old names and the <c>--functions-</c> ones), the app folder as working directory, and the host's
/// environment (the container's <c>ENV</c>, the app settings) plus the variables the host adds for a worker.
/// Standard output and error are kept for diagnosis, as the host keeps them in its logs.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    /// <summary>The host's default gRPC message limit for workers.</summary>
    public const int MaxMessageLength = int.MaxValue;

    // Variables of the test process that would configure the worker behind the test's back.
    private static readonly string[] ScrubbedPrefixes =
        ["AzureWebJobs", "AzureFunctionsJobHost", "FUNCTIONS_", "VPD_", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "IDENTITY_", "MSI_"];

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private bool _disposed;

    private WorkerProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The worker's console output so far (the last lines), for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <param name="settings">App settings (and platform variables such as a managed identity endpoint).</param>
    public static WorkerProcess Start(PublishedApp app, Uri hostUri, string workerId, IReadOnlyDictionary<string, string> settings)
    {
        var requestId = Guid.NewGuid().ToString();
        var length = MaxMessageLength.ToString(CultureInfo.InvariantCulture);
        var info = new ProcessStartInfo(app.Worker.ExecutablePath)
        {
            WorkingDirectory = app.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            app.File(app.Worker.WorkerPath),
            "--host", hostUri.Host, "--port", hostUri.Port.ToString(CultureInfo.InvariantCulture),
            "--workerId", workerId, "--requestId", requestId, "--grpcMaxMessageLength", length,
            "--functions-uri", hostUri.AbsoluteUri, "--functions-worker-id", workerId,
            "--functions-request-id", requestId, "--functions-grpc-max-message-length", length,
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in info.Environment.Keys.Where(k => ScrubbedPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            info.Environment.Remove(name);
        }
        foreach (var (name, value) in app.ContainerEnvironment)
        {
            info.Environment[name] = value;
        }
        // The container copies the publish output to the script root; here the publish folder is that root.
        info.Environment["AzureWebJobsScriptRoot"] = app.Directory;
        info.Environment["FUNCTIONS_WORKER_RUNTIME"] = app.Worker.Language;
        // What the host adds for every worker it starts.
        info.Environment["FUNCTIONS_WORKER_DIRECTORY"] = app.Directory;
        info.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = app.Directory;
        foreach (var (name, value) in settings)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Whether the process ended within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>Kills the process (and its children) if it still runs; only this process, by its id.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await WaitForExitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        _output.Enqueue(line);
        while (_output.Count > 400 && _output.TryDequeue(out _))
        {
        }
    }
}
