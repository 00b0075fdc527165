using Vpd.Pipeline.Queues;

namespace Vpd.Pipeline.Worker;

/// <summary>
/// How <c>vpd work</c> serves the queues. The retry rules come from <see cref="QueueSettings"/>, the values host.json
/// gives the Functions host; the rest is what a local process needs beyond them.
/// </summary>
public sealed record WorkerOptions
{
    /// <summary>Workers polling in parallel in this process (they share one model per model hash).</summary>
    public int Concurrency { get; init; } = 1;

    public QueueSettings Queues { get; init; } = QueueSettings.Default;

    /// <summary>How long a received message stays invisible to others; renewed at half while it is processed.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The first poll interval of an idle worker; it doubles up to <see cref="QueueSettings.MaxPollingInterval"/>.</summary>
    public TimeSpan MinPollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// vpd-expressions messages each worker receives per request (1..32) and handles concurrently, like the host's
    /// batchSize. 1 suits a model worker (the model is the bottleneck, and a received message is hidden from other
    /// workers until handled); a larger batch saves receive round trips when storage is the cost.
    /// </summary>
    public int ReceiveBatchSize { get; init; } = 1;

    /// <exception cref="ArgumentException">A value that cannot work, naming it.</exception>
    public void Validate()
    {
        if (Concurrency is < 1 or > 64)
        {
            throw new ArgumentException($"worker concurrency {Concurrency} must be within 1..64");
        }
        if (ReceiveBatchSize is < 1 or > 32)
        {
            throw new ArgumentException($"receive batch {ReceiveBatchSize} must be within 1..32");
        }
        if (Queues.MaxDequeueCount < 1 || LeaseDuration < TimeSpan.FromSeconds(1) || Queues.RetryDelay < TimeSpan.Zero ||
            MinPollInterval <= TimeSpan.Zero || Queues.MaxPollingInterval < MinPollInterval)
        {
            throw new ArgumentException($"invalid worker options: {this}");
        }
    }
}
