namespace Vpd.Tools.Training;

/// <summary>IProgress that reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder events).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
