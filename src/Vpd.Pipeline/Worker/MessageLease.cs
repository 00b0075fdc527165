using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Vpd.Pipeline.Worker;

/// <summary>
/// A received message whose invisibility is renewed while it is being processed (as the Functions host
/// does), so that a slow segmentation is not delivered to a second worker meanwhile.
/// </summary>
internal sealed class MessageLease : IAsyncDisposable
{
    private readonly QueueClient _queue;
    private readonly TimeSpan _visibility;
    private readonly CancellationTokenSource _stopRenewing = new();
    private readonly Task _renewing;
    private readonly Lock _gate = new();
    private string _popReceipt;

    public MessageLease(QueueClient queue, QueueMessage message, TimeSpan visibility)
    {
        _queue = queue;
        _visibility = visibility;
        Message = message;
        _popReceipt = message.PopReceipt;
        _renewing = RenewAsync(_stopRenewing.Token);
    }

    public QueueMessage Message { get; }

    /// <summary>Deletes the message (it was handled). A message already gone counts as deleted.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await StopRenewingAsync();
        try
        {
            await _queue.DeleteMessageAsync(Message.MessageId, PopReceipt, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The lease ran out and another delivery took over; its own handling is idempotent.
        }
    }

    /// <summary>Makes the message visible again after <paramref name="delay"/>.</summary>
    public async Task ReleaseAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        await StopRenewingAsync();
        try
        {
            await _queue.UpdateMessageAsync(Message.MessageId, PopReceipt, (string?)null, delay, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Already visible again or taken by another worker.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopRenewingAsync();
        _stopRenewing.Dispose();
    }

    private string PopReceipt
    {
        get
        {
            lock (_gate)
            {
                return _popReceipt;
            }
        }
    }

    private async Task StopRenewingAsync()
    {
        if (!_stopRenewing.IsCancellationRequested)
        {
            await _stopRenewing.CancelAsync();
        }
        await _renewing;
    }

    private async Task RenewAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_visibility / 2, stop);
                var receipt = await _queue.UpdateMessageAsync(Message.MessageId, PopReceipt, (string?)null, _visibility, stop);
                lock (_gate)
                {
                    _popReceipt = receipt.Value.PopReceipt;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Processing ended.
        }
        catch (RequestFailedException)
        {
            // Renewal lost (message gone or lease expired): processing goes on; its writes are idempotent,
            // and completing a message that is gone is harmless.
        }
    }
}
