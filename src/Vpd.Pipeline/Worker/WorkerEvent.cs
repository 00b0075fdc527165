namespace Vpd.Pipeline.Worker;

/// <summary>What happened to a message, reported by <see cref="LocalQueueWorker"/> through IProgress.</summary>
public enum WorkerEventKind
{
    /// <summary>Handled and deleted.</summary>
    Completed,

    /// <summary>The handler threw; the message becomes visible again for another delivery.</summary>
    Retrying,

    /// <summary>The handler threw on the last allowed delivery; the message moved to the poison queue.</summary>
    Poisoned,
}

/// <param name="Detail">The outcome or the error message.</param>
public sealed record WorkerEvent(string Queue, string MessageId, long DequeueCount, WorkerEventKind Kind, string? Detail);
