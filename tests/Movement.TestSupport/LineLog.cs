using Microsoft.Extensions.Logging;

namespace Movement.TestSupport;

/// <summary>A logger that keeps each formatted line (thread-safe: connections log from their own tasks).</summary>
public sealed class LineLog : ILogger
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

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lock)
        {
            _lines.Add(formatter(state, exception));
        }
    }
}
