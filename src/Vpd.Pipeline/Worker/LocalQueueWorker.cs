using System.Collections.Concurrent;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Vpd.Pipeline.Aggregation;
using Vpd.Pipeline.Processing;
using Vpd.Pipeline.Storage;

namespace Vpd.Pipeline.Worker;

/// <summary>
/// What <c>vpd work</c> runs: N workers polling vpd-expressions, its poison queue and vpd-aggregate,
/// with the Functions host's semantics: a received message is invisible for the visibility timeout
/// (renewed while processing), deleted when handled, made visible again when the handler throws, and
/// moved to <c>{queue}-poison</c> when it throws on delivery number maxDequeueCount. Cancellation stops
/// polling; a message being handled is released for immediate redelivery.
/// </summary>
public sealed class LocalQueueWorker(
    StorageClients storage,
    ExpressionProcessor processor,
    PoisonHandler poison,
    RunAggregator aggregator,
    WorkerOptions options,
    IProgress<WorkerEvent>? progress = null)
{
    // The Functions host does not pass the last error to a poison handler; this process can, for the
    // messages it poisoned itself.
    private readonly ConcurrentDictionary<string, string> _lastErrors = new(StringComparer.Ordinal);

    /// <summary>Polls until <paramref name="cancellationToken"/> is cancelled, then returns.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        options.Validate();
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(() => LoopAsync(cancellationToken), CancellationToken.None)));
    }

    /// <summary>Handles at most one message from each queue (poison first). Returns whether any was there.</summary>
    public async Task<bool> PollOnceAsync(CancellationToken cancellationToken)
    {
        var handled = await TryHandleOneAsync(storage.ExpressionsPoisonQueue, HandlePoisonAsync, cancellationToken);
        handled |= await TryHandleOneAsync(
            storage.ExpressionsQueue,
            async (m, ct) => (await processor.ProcessAsync(m.MessageText, m.DequeueCount, ct)).ToString(),
            cancellationToken);
        handled |= await TryHandleOneAsync(
            storage.AggregateQueue,
            async (m, ct) => (await aggregator.HandleMessageAsync(m.MessageText, ct))?.Metrics.State.ToString() ?? "malformed",
            cancellationToken);
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
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, options.MaxPollInterval.Ticks));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RequestFailedException or HttpRequestException)
            {
                // Storage unreachable or failing while polling: wait and poll again, as the host does.
                progress?.Report(new WorkerEvent("(poll)", string.Empty, 0, WorkerEventKind.Retrying, e.Message));
                await DelayOrStopAsync(options.MaxPollInterval, cancellationToken);
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

    private async Task<string> HandlePoisonAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        _lastErrors.TryGetValue(message.MessageText, out var lastError);
        var rows = await poison.HandleAsync(message.MessageText, lastError, cancellationToken);
        _lastErrors.TryRemove(message.MessageText, out _);
        return $"{rows} failed rows";
    }

    private async Task<bool> TryHandleOneAsync(
        QueueClient queue, Func<QueueMessage, CancellationToken, Task<string>> handle, CancellationToken cancellationToken)
    {
        var received = (await queue.ReceiveMessageAsync(options.VisibilityTimeout, cancellationToken)).Value;
        if (received is null)
        {
            return false;
        }
        await using var lease = new MessageLease(queue, received, options.VisibilityTimeout);
        if (received.DequeueCount > options.MaxDequeueCount)
        {
            // Delivered too often without being handled (e.g. the process died while handling it).
            await MoveToPoisonAsync(queue, lease, $"dequeued {received.DequeueCount} times", cancellationToken);
            return true;
        }
        string outcome;
        try
        {
            outcome = await handle(received, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await lease.ReleaseAsync(TimeSpan.Zero, CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            // Like the Functions host: a handler failure is neither swallowed nor fatal to the worker;
            // the message is retried, and poisoned on its last allowed delivery.
            var error = $"{e.GetType().Name}: {e.Message}";
            if (received.DequeueCount >= options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(queue, lease, error, cancellationToken);
            }
            else
            {
                await lease.ReleaseAsync(options.RetryDelay, cancellationToken);
                progress?.Report(new WorkerEvent(queue.Name, received.MessageId, received.DequeueCount, WorkerEventKind.Retrying, error));
            }
            return true;
        }
        await lease.CompleteAsync(cancellationToken);
        progress?.Report(new WorkerEvent(queue.Name, received.MessageId, received.DequeueCount, WorkerEventKind.Completed, outcome));
        return true;
    }

    private async Task MoveToPoisonAsync(QueueClient queue, MessageLease lease, string error, CancellationToken cancellationToken)
    {
        var message = lease.Message;
        var poisonQueue = storage.Queues.GetQueueClient(StorageNames.PoisonQueueOf(queue.Name));
        await poisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        _lastErrors[message.MessageText] = error;
        // Send before delete: a crash in between duplicates the message (harmless) instead of losing it.
        await poisonQueue.SendMessageAsync(message.MessageText, TimeSpan.Zero, TimeSpan.FromSeconds(-1), cancellationToken);
        await lease.CompleteAsync(cancellationToken);
        progress?.Report(new WorkerEvent(queue.Name, message.MessageId, message.DequeueCount, WorkerEventKind.Poisoned, error));
    }
}
