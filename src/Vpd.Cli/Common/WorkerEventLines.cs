using Vpd.Pipeline.Worker;

namespace Vpd.Cli.Common;

/// <summary>
/// Prints what the workers did that needs attention (a retry, a poisoned message) as it happens, and
/// counts everything for a closing summary; a completed message is only counted, as there may be
/// thousands.
/// </summary>
public sealed class WorkerEventLines(TextWriter output) : IProgress<WorkerEvent>
{
    private long _completed;
    private long _retrying;
    private long _poisoned;

    public long Completed => Interlocked.Read(ref _completed);

    public void Report(WorkerEvent value)
    {
        switch (value.Kind)
        {
            case WorkerEventKind.Completed:
                Interlocked.Increment(ref _completed);
                break;
            case WorkerEventKind.Retrying:
                Interlocked.Increment(ref _retrying);
                WriteLine($"retrying {value.Queue} message {value.MessageId} (delivery {value.DequeueCount}): {value.Detail}");
                break;
            case WorkerEventKind.Poisoned:
                Interlocked.Increment(ref _poisoned);
                WriteLine($"poisoned {value.Queue} message {value.MessageId} after {value.DequeueCount} deliveries: {value.Detail}");
                break;
        }
    }

    public string Summary() =>
        $"messages: {Interlocked.Read(ref _completed)} handled, {Interlocked.Read(ref _retrying)} retried, {Interlocked.Read(ref _poisoned)} poisoned";

    private void WriteLine(string line)
    {
        lock (output)
        {
            output.WriteLine(line);
        }
    }
}
