using System.Collections.Concurrent;
using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Vpd.Pipeline.Queues;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Worker;

/// <summary>
/// What <c>vpd work</c> runs: N workers polling the pipeline's queues with the Functions host's semantics and the same
/// settings (<see cref="QueueSettings"/>): a received message is invisible while it is handled (its lease renewed),
/// deleted when handled, delivered again after the retry delay when the handler throws, and moved to its poison queue
/// when it throws on delivery maxDequeueCount. Cancellation stops polling; a message being handled is released for
/// immediate redelivery.
/// </summary>
public sealed partial class LocalQueueWorker(PipelineStorage storage, QueueHandlers handlers, WorkerOptions options, ILogger<LocalQueueWorker> logger)
{
    // The Functions host does not pass the last error to a poison handler; this process can, for the messages it
    // poisoned itself.
    private readonly ConcurrentDictionary<string, string> _lastErrors = new(StringComparer.Ordinal);
    private long _handled;
    private long _retried;
    private long _poisoned;

    public long Handled => Interlocked.Read(ref _handled);

    public long Retried => Interlocked.Read(ref _retried);

    public long Poisoned => Interlocked.Read(ref _poisoned);

    public WorkerOptions Options => options;

    /// <summary>Polls until <paramref name="cancellationToken"/> is cancelled, then returns.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        options.Validate();
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(() => LoopAsync(cancellationToken), CancellationToken.None)));
    }

    /// <summary>Handles at most one receive from each queue, in the handlers' order. Returns whether any message was there.</summary>
    public async Task<bool> PollOnceAsync(CancellationToken cancellationToken)
    {
        var handled = false;
        foreach (var handler in handlers.All)
        {
            handled |= await TryHandleAsync(handler, handler.Batched ? options.ReceiveBatchSize : 1, cancellationToken);
        }
        return handled;
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var idle = options.MinPollInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (await PollOnceAsync(cancellationToken))
                {
                    idle = options.MinPollInterval;
                    continue;
                }
                await Task.Delay(idle, cancellationToken);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, options.Queues.MaxPollingInterval.Ticks));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RequestFailedException or HttpRequestException)
            {
                // Storage unreachable or failing while polling: wait and poll again, as the host does.
                LogPollFailed(storage.Description, e.Message);
                await DelayOrStopAsync(options.Queues.MaxPollingInterval, cancellationToken);
            }
        }
    }

    private static async Task DelayOrStopAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The loop condition ends the worker.
        }
    }

    /// <summary>
    /// Receives up to <paramref name="batchSize"/> messages in one request and handles them concurrently, each under its
    /// own lease, like the host's batchSize.
    /// </summary>
    private async Task<bool> TryHandleAsync(QueueHandler handler, int batchSize, CancellationToken cancellationToken)
    {
        // Raw bodies: decoding here lets a body that is not base64 be recorded with that reason (the SDK would skip it).
        var queue = storage.Clients.RawQueue(storage.QueueName(handler.Queue));
        var received = (await queue.ReceiveMessagesAsync(batchSize, options.LeaseDuration, cancellationToken)).Value;
        if (received.Length == 0)
        {
            return false;
        }
        await Task.WhenAll(received.Select(message => HandleReceivedAsync(handler, queue, message, cancellationToken)));
        return true;
    }

    private async Task HandleReceivedAsync(QueueHandler handler, QueueClient queue, QueueMessage received, CancellationToken cancellationToken)
    {
        await using var lease = new MessageLease(queue, received, options.LeaseDuration);
        var text = Decode(received.Body);
        if (text is null)
        {
            await handlers.RecordUndecodableAsync(queue.Name, received.Body.ToString(), cancellationToken);
            await lease.CompleteAsync(cancellationToken);
            LogUndecodable(queue.Name, received.MessageId);
            return;
        }
        if (received.DequeueCount > options.Queues.MaxDequeueCount)
        {
            // Delivered too often without being handled (e.g. the process died while handling it).
            await MoveToPoisonAsync(queue, lease, text, $"delivered {received.DequeueCount} times without being handled", cancellationToken);
            return;
        }
        _lastErrors.TryGetValue(text, out var lastError);
        try
        {
            await handler.Handle(text, received.DequeueCount, lastError, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await lease.ReleaseAsync(TimeSpan.Zero, CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            // Like the Functions host: a handler failure is neither swallowed nor fatal to the worker; the message is
            // retried, and poisoned on its last allowed delivery.
            var error = $"{e.GetType().Name}: {e.Message}";
            if (received.DequeueCount >= options.Queues.MaxDequeueCount)
            {
                await MoveToPoisonAsync(queue, lease, text, error, cancellationToken);
            }
            else
            {
                await lease.ReleaseAsync(options.Queues.RetryDelay, cancellationToken);
                Interlocked.Increment(ref _retried);
                LogRetrying(queue.Name, received.MessageId, received.DequeueCount, options.Queues.RetryDelay.TotalSeconds, error);
            }
            return;
        }
        _lastErrors.TryRemove(text, out _);
        await lease.CompleteAsync(cancellationToken);
        Interlocked.Increment(ref _handled);
    }

    /// <summary>Send to <c>{queue}-poison</c>, then delete: a crash in between duplicates the message (harmless) instead of losing it.</summary>
    private async Task MoveToPoisonAsync(QueueClient queue, MessageLease lease, string text, string error, CancellationToken cancellationToken)
    {
        var poisonQueue = storage.Clients.Queue(PipelineQueues.PoisonOf(queue.Name));
        await poisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        _lastErrors[text] = error;
        await poisonQueue.SendMessageAsync(text, TimeSpan.Zero, TimeSpan.FromSeconds(-1), cancellationToken);
        await lease.CompleteAsync(cancellationToken);
        Interlocked.Increment(ref _poisoned);
        LogPoisoned(queue.Name, lease.Message.MessageId, lease.Message.DequeueCount, error);
    }

    private static string? Decode(BinaryData body)
    {
        var raw = body.ToString();
        var buffer = new byte[raw.Length];
        return Convert.TryFromBase64String(raw, buffer, out var length) ? DecodeUtf8(buffer.AsSpan(0, length)) : null;
    }

    private static string? DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 400, EventName = "MessageRetrying", Level = LogLevel.Warning,
        Message = "retrying {Queue} message {MessageId} in {DelaySeconds} s (delivery {DequeueCount}): {Error}")]
    private partial void LogRetrying(string queue, string messageId, long dequeueCount, double delaySeconds, string error);

    [LoggerMessage(EventId = 401, EventName = "MessagePoisoned", Level = LogLevel.Error,
        Message = "moved {Queue} message {MessageId} to the poison queue after {DequeueCount} deliveries: {Error}")]
    private partial void LogPoisoned(string queue, string messageId, long dequeueCount, string error);

    [LoggerMessage(EventId = 402, EventName = "PollFailed", Level = LogLevel.Warning, Message = "polling {Storage} failed, retrying: {Error}")]
    private partial void LogPollFailed(string storage, string error);

    [LoggerMessage(EventId = 403, EventName = "MessageUndecodable", Level = LogLevel.Warning,
        Message = "{Queue} message {MessageId} is not base64: recorded as failed and deleted")]
    private partial void LogUndecodable(string queue, string messageId);
}
