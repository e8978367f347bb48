using Microsoft.Extensions.Logging;

namespace Movement.TestSupport;

/// <summary>
/// A logger that keeps each formatted line (thread-safe: connections log from their own tasks); also a provider, to
/// collect a whole host's log (every category into the same lines).
/// </summary>
public sealed class LineLog : ILogger, ILoggerProvider
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];

    /// <summary>The lines so far, oldest first.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public ILogger CreateLogger(string categoryName) => this;

    void IDisposable.Dispose()
    {
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lock)
        {
            _lines.Add(formatter(state, exception));
        }
    }
}
