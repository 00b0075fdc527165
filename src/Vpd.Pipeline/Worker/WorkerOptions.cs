namespace Vpd.Pipeline.Worker;

/// <summary>
/// Queue settings of <c>vpd work</c>, chosen to behave like the Functions host with the product's host.json.
/// </summary>
public sealed record WorkerOptions
{
    /// <summary>Workers polling in parallel in this process (they share one model per model hash).</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>How long a received message stays invisible to others; renewed at half while it is processed.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Deliveries after which a failing message moves to the poison queue (the host's default is 5).</summary>
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>Delay before a failed message becomes visible again (the host's queues visibilityTimeout, default 0).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Polling backs off from <see cref="MinPollInterval"/> up to this while the queues are empty.</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MinPollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public void Validate()
    {
        if (Concurrency < 1 || MaxDequeueCount < 1 || VisibilityTimeout < TimeSpan.FromSeconds(1) ||
            RetryDelay < TimeSpan.Zero || MinPollInterval <= TimeSpan.Zero || MaxPollInterval < MinPollInterval)
        {
            throw new ArgumentException($"invalid worker options: {this}");
        }
    }
}
