using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VpdFunctions.Host.Tests.Harness;

/// <summary>
/// An HTTPS proxy on a loopback port that records where each client asked to tunnel to
/// (<c>CONNECT host:port</c>) and refuses every tunnel. Given to a worker as <c>HTTPS_PROXY</c>, it shows
/// which storage endpoints the worker's clients resolved while keeping every byte on this machine.
/// </summary>
public sealed class RefusingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _targets = new();
    private readonly Task _accepting;

    public RefusingProxy()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Uri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>The <c>host:port</c> of every CONNECT request so far.</summary>
    public IReadOnlyList<string> Targets => [.. _targets];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RefuseAsync(client);
        }
    }

    private async Task RefuseAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                var requestLine = head.Split("\r\n", 2)[0].Split(' ');
                if (requestLine is ["CONNECT", var target, ..])
                {
                    _targets.Enqueue(target);
                }
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), _stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The client gave up first: nothing to record.
            }
        }
    }

    // The request line and headers, up to the blank line (bounded: a proxy request head is small).
    private async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[1024];
        while (head.Length < 16 * 1024 && !head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                break;
            }
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return head.ToString();
    }
}
