using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansKaitoScaler.TestSupport;

/// <summary>Keeps every log line of chosen categories, so tests can assert on what an operator would read.</summary>
public sealed class RecordingLoggerProvider(string categoryPrefix) : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, EventId Id, string Message)> _lines = new();

    public IReadOnlyList<(string Category, LogLevel Level, EventId Id, string Message)> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => category.StartsWith(owner._categoryPrefix, StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._lines.Enqueue((category, logLevel, eventId, formatter(state, exception)));
            }
        }
    }

    private readonly string _categoryPrefix = categoryPrefix;
}
