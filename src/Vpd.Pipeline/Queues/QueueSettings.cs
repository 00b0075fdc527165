namespace Vpd.Pipeline.Queues;

/// <summary>
/// How the queues are served, in one record: the values host.json gives the Functions host (a test parses host.json
/// and compares) and the defaults of <c>vpd work</c>, so a run behaves the same locally and on Azure. Why each value
/// is what it is: src/VpdFunctions/README.md.
/// </summary>
public sealed record QueueSettings
{
    public static QueueSettings Default { get; } = new();

    /// <summary>Messages one instance fetches at once (host.json <c>batchSize</c>).</summary>
    public int BatchSize { get; init; } = 2;

    /// <summary>Fetch more when this few are left in progress (host.json <c>newBatchThreshold</c>).</summary>
    public int NewBatchThreshold { get; init; } = 1;

    /// <summary>Deliveries after which a failing message moves to its poison queue (host.json <c>maxDequeueCount</c>).</summary>
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>Delay before a failed message is delivered again (host.json <c>visibilityTimeout</c>).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait between polls of an idle queue (host.json <c>maxPollingInterval</c>).</summary>
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Message bodies on the wire (host.json <c>messageEncoding</c>): what <c>vpd enqueue</c> writes.</summary>
    public string MessageEncoding { get; init; } = "base64";
}
