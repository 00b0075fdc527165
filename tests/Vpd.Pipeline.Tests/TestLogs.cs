using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Vpd.Pipeline.Tests;

/// <summary>Every log line the pipeline writes during a test, to assert on what an operator would see.</summary>
internal sealed class TestLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public IReadOnlyList<LogLine> Named(string eventName) => [.. _lines.Where(l => l.EventName == eventName)];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            lines.Enqueue(new LogLine(category, eventId.Name, logLevel, formatter(state, exception), values.ToDictionary(v => v.Key, v => v.Value)));
        }
    }
}

/// <param name="Values">The structured values of the line (what Application Insights stores as custom dimensions).</param>
internal sealed record LogLine(string Category, string? EventName, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values);
