using Spectre.Console;

namespace Vpd.Cli.Common;

/// <summary>One stage's progress: a name and how far it is.</summary>
public sealed record StageProgress(string Stage, long Done, long Total);

/// <summary>
/// Draws progress for a long-running step: a Spectre.Console bar per stage when the console is
/// interactive, otherwise a plain line per stage at most every tenth of its total (logs and pipes), and in
/// both cases a final line, which a fast step would otherwise never show.
/// </summary>
public static class ConsoleProgress
{
    /// <summary>Whether to draw bars: a real terminal on both ends, and output not captured by the caller.</summary>
    public static bool IsInteractive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static async Task<T> RunAsync<T>(
        TextWriter output, Func<IProgress<StageProgress>, Task<T>> body, Func<T, string> finalLine)
    {
        T result;
        if (IsInteractive(output))
        {
            result = await AnsiConsole.Progress().AutoClear(false).StartAsync(async context =>
            {
                var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var progress = new SynchronousProgress<StageProgress>(p =>
                {
                    lock (tasks)
                    {
                        if (!tasks.TryGetValue(p.Stage, out var task))
                        {
                            task = tasks[p.Stage] = context.AddTask(p.Stage, maxValue: Math.Max(1, p.Total));
                        }
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Done;
                    }
                });
                return await body(progress);
            });
        }
        else
        {
            result = await body(new PlainLines(output));
        }
        output.WriteLine(finalLine(result));
        return result;
    }

    private sealed class PlainLines(TextWriter output) : IProgress<StageProgress>
    {
        private readonly Dictionary<string, long> _lastTenth = new(StringComparer.Ordinal);

        public void Report(StageProgress value)
        {
            var tenth = value.Total <= 0 ? 10 : value.Done * 10 / value.Total;
            lock (_lastTenth)
            {
                if (_lastTenth.TryGetValue(value.Stage, out var last) && last >= tenth)
                {
                    return;
                }
                _lastTenth[value.Stage] = tenth;
                output.WriteLine($"{value.Stage}: {value.Done}/{value.Total}");
            }
        }
    }
}
