using System.Collections.Concurrent;
using Grpc.Core;
using VpdFunctions.Host.Tests.Rpc;

namespace VpdFunctions.Host.Tests.Harness;

/// <summary>
/// One worker's event stream as the host holds it: sends requests, collects the worker's log messages,
/// and hands every other message to whoever waits for it (a response is matched by its content, e.g. an
/// invocation id). Messages nobody waits for yet are kept until someone does.
/// </summary>
public sealed class WorkerStream(string workerId, IServerStreamWriter<StreamingMessage> writer)
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<StreamingMessage> _unclaimed = [];
    private readonly List<Waiter> _waiters = [];
    private readonly ConcurrentQueue<RpcLog> _logs = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string WorkerId { get; } = workerId;

    /// <summary>Every <c>RpcLog</c> the worker sent so far, in arrival order.</summary>
    public IReadOnlyList<RpcLog> Logs => [.. _logs];

    /// <summary>Completes when the worker ends its side of the stream (or the connection drops).</summary>
    public Task Closed => _closed.Task;

    public async Task SendAsync(StreamingMessage message, CancellationToken cancellationToken = default)
    {
        if (_closed.Task.IsCompleted)
        {
            throw new IOException($"worker {WorkerId} has closed its stream; cannot send {message.ContentCase}");
        }
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await writer.WriteAsync(message, cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            // The call ended between the check above and the write: the worker is gone.
            throw new IOException($"worker {WorkerId} has closed its stream; cannot send {message.ContentCase}", e);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>The first message (past or future) that <paramref name="match"/> accepts.</summary>
    /// <param name="what">Names the awaited message in the error when it does not come.</param>
    /// <exception cref="TimeoutException">Nothing matching came within <paramref name="timeout"/>.</exception>
    /// <exception cref="IOException">The worker closed the stream first.</exception>
    public async Task<StreamingMessage> WaitForAsync(Func<StreamingMessage, bool> match, string what, TimeSpan timeout)
    {
        Waiter waiter;
        lock (_gate)
        {
            var index = _unclaimed.FindIndex(m => match(m));
            if (index >= 0)
            {
                var found = _unclaimed[index];
                _unclaimed.RemoveAt(index);
                return found;
            }
            if (_closed.Task.IsCompleted)
            {
                throw new IOException($"worker {WorkerId} closed its stream before sending {what}");
            }
            waiter = new Waiter(match, what);
            _waiters.Add(waiter);
        }
        try
        {
            return await waiter.Result.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
            throw new TimeoutException($"worker {WorkerId} sent no {what} within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Reads the worker's messages until it ends the stream; runs inside the gRPC call.</summary>
    internal async Task PumpAsync(IAsyncStreamReader<StreamingMessage> reader, CancellationToken cancellationToken)
    {
        try
        {
            while (await reader.MoveNext(cancellationToken))
            {
                Deliver(reader.Current);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or Grpc.Core.RpcException)
        {
            // The worker went away mid-stream (killed, or the server stopping): the stream is closed either way.
        }
        finally
        {
            lock (_gate)
            {
                _closed.TrySetResult();
                foreach (var waiter in _waiters)
                {
                    waiter.Result.TrySetException(new IOException($"worker {WorkerId} closed its stream before sending {waiter.What}"));
                }
                _waiters.Clear();
            }
        }
    }

    private void Deliver(StreamingMessage message)
    {
        if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
        {
            _logs.Enqueue(message.RpcLog);
            return;
        }
        lock (_gate)
        {
            var waiter = _waiters.FirstOrDefault(w => w.Match(message));
            if (waiter is null)
            {
                _unclaimed.Add(message);
                return;
            }
            _waiters.Remove(waiter);
            waiter.Result.TrySetResult(message);
        }
    }

    private sealed record Waiter(Func<StreamingMessage, bool> Match, string What)
    {
        public TaskCompletionSource<StreamingMessage> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
