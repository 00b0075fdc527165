using Google.Protobuf.WellKnownTypes;
using VpdFunctions.Host.Tests.Rpc;
using MessageKind = VpdFunctions.Host.Tests.Rpc.StreamingMessage.ContentOneofCase;

namespace VpdFunctions.Host.Tests.Harness;

/// <summary>
/// Plays the Functions host for one dotnet-isolated worker: serves the language-worker stream, starts the
/// published app's worker process, initialises it (WorkerInitRequest), indexes its functions the way the
/// host does for this worker (FunctionsMetadataRequest when <c>worker.config.json</c> says
/// <c>workerIndexing</c>, else <c>functions.metadata</c>), loads each one (FunctionLoadRequest), then sends
/// invocations and, at the end, WorkerTerminate.
/// </summary>
public sealed class FunctionsHost : IAsyncDisposable
{
    /// <summary>The host version the harness announces (a Functions 4.x host).</summary>
    public const string HostVersion = "4.1037.0";

    /// <summary>The grace period the host gives a worker when it shuts it down.</summary>
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromSeconds(5);

    // Cold start on a busy 2-core machine: the runtime, the worker's host and libtorch's native libraries.
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(60);

    private readonly HostRpcServer _server;
    private readonly WorkerStream _stream;
    private bool _disposed;

    private FunctionsHost(PublishedApp app, HostRpcServer server, WorkerProcess process, WorkerStream stream)
    {
        App = app;
        _server = server;
        Process = process;
        _stream = stream;
    }

    public PublishedApp App { get; }

    public WorkerProcess Process { get; }

    /// <summary>The worker's answer to WorkerInitRequest (its capabilities and metadata).</summary>
    public WorkerInitResponse Init { get; private set; } = null!;

    /// <summary>Whether the functions came from the worker's own metadata response (worker indexing).</summary>
    public bool IndexedByWorker { get; private set; }

    /// <summary>The loaded functions, by name.</summary>
    public IReadOnlyDictionary<string, HostedFunction> Functions { get; private set; } = new Dictionary<string, HostedFunction>();

    /// <summary>The worker's log messages (ILogger output forwarded over the stream).</summary>
    public IReadOnlyList<RpcLog> Logs => _stream.Logs;

    /// <summary>Completes when the worker has ended its stream.</summary>
    public Task StreamClosed => _stream.Closed;

    /// <summary>Starts the worker with <paramref name="settings"/> as app settings and brings it to the point of invocations.</summary>
    /// <param name="workerIndexing">
    /// Overrides <c>worker.config.json</c>'s choice: false makes the host index <c>functions.metadata</c> itself,
    /// as hosts without worker indexing do.
    /// </param>
    public static async Task<FunctionsHost> StartAsync(PublishedApp app, IReadOnlyDictionary<string, string> settings, bool? workerIndexing = null)
    {
        var server = await HostRpcServer.StartAsync();
        WorkerProcess? process = null;
        try
        {
            var workerId = Guid.NewGuid().ToString();
            var attached = server.ExpectWorker(workerId);
            process = WorkerProcess.Start(app, server.Uri, workerId, settings);
            var first = await Task.WhenAny(attached, process.Exited, Task.Delay(StartupTimeout));
            if (first != attached)
            {
                throw new InvalidOperationException(
                    (process.HasExited ? $"the worker exited with code {process.ExitCode} before opening its stream" : $"the worker opened no stream within {StartupTimeout.TotalSeconds} s") +
                    $"; its output:\n{process.Output}");
            }
            var host = new FunctionsHost(app, server, process, await attached);
            await host.InitializeAsync();
            await host.IndexAndLoadAsync(workerIndexing ?? app.Worker.WorkerIndexing);
            return host;
        }
        catch
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends one invocation and waits for the worker's response.</summary>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, TimeSpan timeout)
    {
        await _stream.SendAsync(new StreamingMessage { InvocationRequest = request });
        var response = await _stream.WaitForAsync(
            m => m.ContentCase == MessageKind.InvocationResponse && m.InvocationResponse.InvocationId == request.InvocationId,
            $"InvocationResponse for {request.InvocationId}", timeout);
        return response.InvocationResponse;
    }

    /// <summary>Sends WorkerTerminate; the worker is expected to exit on its own within <paramref name="gracePeriod"/>.</summary>
    /// <returns>Whether the process exited within the grace period.</returns>
    public async Task<bool> TerminateAsync(TimeSpan gracePeriod)
    {
        await _stream.SendAsync(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(gracePeriod) } });
        return await Process.WaitForExitAsync(gracePeriod);
    }

    /// <summary>Shuts the worker down as the host does (WorkerTerminate, then kill after the grace period), then the server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            if (!Process.HasExited && !_stream.Closed.IsCompleted)
            {
                await TerminateAsync(DefaultGracePeriod);
            }
        }
        catch (IOException)
        {
            // The stream closed while sending: the process is going or gone; disposing it kills what is left.
        }
        await Process.DisposeAsync();
        await _server.DisposeAsync();
    }

    private async Task InitializeAsync()
    {
        var request = new WorkerInitRequest
        {
            HostVersion = HostVersion, WorkerDirectory = App.Directory, FunctionAppDirectory = App.Directory,
        };
        // The host advertises that it accepts several streams per worker id.
        request.Capabilities.Add("MultiStream", "10");
        Init = (await RequestAsync(new StreamingMessage { WorkerInitRequest = request }, MessageKind.WorkerInitResponse)).WorkerInitResponse;
        EnsureSucceeded(Init.Result, "WorkerInitRequest");
    }

    private async Task IndexAndLoadAsync(bool workerIndexing)
    {
        var functions = new List<HostedFunction>();
        if (workerIndexing)
        {
            var metadata = (await RequestAsync(
                new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = App.Directory } },
                MessageKind.FunctionMetadataResponse)).FunctionMetadataResponse;
            EnsureSucceeded(metadata.Result, "FunctionsMetadataRequest");
            IndexedByWorker = !metadata.UseDefaultMetadataIndexing;
            if (IndexedByWorker)
            {
                functions.AddRange(metadata.FunctionMetadataResults.Select(HostedFunction.FromWorker));
            }
        }
        if (!IndexedByWorker)
        {
            functions.AddRange(App.FunctionsMetadata().Values.Select(HostedFunction.FromMetadataFile));
        }

        foreach (var function in functions)
        {
            await _stream.SendAsync(new StreamingMessage { FunctionLoadRequest = function.ToLoadRequest() });
        }
        foreach (var function in functions)
        {
            var loaded = await _stream.WaitForAsync(
                m => m.ContentCase == MessageKind.FunctionLoadResponse && m.FunctionLoadResponse.FunctionId == function.FunctionId,
                $"FunctionLoadResponse for {function.Name}", ReplyTimeout);
            EnsureSucceeded(loaded.FunctionLoadResponse.Result, $"FunctionLoadRequest for {function.Name}");
        }
        Functions = functions.ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    private async Task<StreamingMessage> RequestAsync(StreamingMessage request, MessageKind reply)
    {
        request.RequestId = Guid.NewGuid().ToString();
        await _stream.SendAsync(request);
        return await _stream.WaitForAsync(
            m => m.ContentCase == reply && m.RequestId == request.RequestId, reply.ToString(), ReplyTimeout);
    }

    private void EnsureSucceeded(StatusResult? result, string what)
    {
        if (result?.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException(
                $"the worker answered {what} with {result?.Status.ToString() ?? "no result"}: {result?.Exception?.Message}\nworker output:\n{Process.Output}");
        }
    }
}
