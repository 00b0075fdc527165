namespace Vpd.Cli.Common;

/// <summary>
/// Reports on the calling thread. <see cref="Progress{T}"/> posts to the thread pool, so its lines
/// could arrive after a command's final line.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
