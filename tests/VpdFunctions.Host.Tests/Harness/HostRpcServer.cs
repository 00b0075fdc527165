using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VpdFunctions.Host.Tests.Rpc;

namespace VpdFunctions.Host.Tests.Harness;

/// <summary>
/// The host's language-worker endpoint: <c>FunctionRpc.EventStream</c> over HTTP/2 without TLS on a free
/// loopback port, as the Functions host serves its workers. A worker's stream is accepted only under a
/// worker id the host handed out (<see cref="ExpectWorker"/>); its first message must be <c>StartStream</c>.
/// </summary>
public sealed class HostRpcServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WorkerStream>> _expected = new(StringComparer.Ordinal);
    private WebApplication? _app;

    private HostRpcServer()
    {
    }

    /// <summary>The address given to workers (<c>--functions-uri</c>).</summary>
    public Uri Uri { get; private set; } = null!;

    public static async Task<HostRpcServer> StartAsync()
    {
        var server = new HostRpcServer();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        // The host allows messages of any size (its workers get int.MaxValue as the limit too).
        builder.Services.AddGrpc(options =>
        {
            options.MaxReceiveMessageSize = null;
            options.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton(server);
        var app = builder.Build();
        app.MapGrpcService<EventStreamService>();
        await app.StartAsync();
        server._app = app;
        server.Uri = new Uri(app.Urls.Single());
        return server;
    }

    /// <summary>Registers a worker id before its process starts; completes when that worker's stream opens.</summary>
    public Task<WorkerStream> ExpectWorker(string workerId)
    {
        var attached = new TaskCompletionSource<WorkerStream>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_expected.TryAdd(workerId, attached))
        {
            throw new InvalidOperationException($"worker id {workerId} is already expected");
        }
        return attached.Task;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }
    }

    private bool TryAttach(WorkerStream stream) =>
        _expected.TryGetValue(stream.WorkerId, out var attached) && attached.TrySetResult(stream);

    internal sealed class EventStreamService(HostRpcServer server) : FunctionRpc.FunctionRpcBase
    {
        public override async Task EventStream(
            IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
        {
            if (!await requestStream.MoveNext(context.CancellationToken))
            {
                return;
            }
            var first = requestStream.Current;
            if (first.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
            {
                throw new Grpc.Core.RpcException(new Status(StatusCode.FailedPrecondition, $"expected StartStream first, got {first.ContentCase}"));
            }
            var stream = new WorkerStream(first.StartStream.WorkerId, responseStream);
            if (!server.TryAttach(stream))
            {
                throw new Grpc.Core.RpcException(new Status(StatusCode.NotFound, $"no worker with id '{first.StartStream.WorkerId}' was started"));
            }
            // The call lasts as long as the worker's conversation: returning would end the host's side.
            await stream.PumpAsync(requestStream, context.CancellationToken);
        }
    }
}
