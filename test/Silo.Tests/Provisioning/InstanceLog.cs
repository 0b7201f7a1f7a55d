using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansKaitoScaler.Silo.Tests.Provisioning;

/// <summary>One provisioner replica's log lines with timestamps, shown when a leadership test fails.</summary>
internal sealed class InstanceLog(string identity) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Writer(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public override string ToString() => string.Join(Environment.NewLine, _lines);

    public void Dispose()
    {
    }

    private sealed class Writer(InstanceLog owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {owner._identity} {category} {logLevel}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
    }

    private readonly string _identity = identity;
}
