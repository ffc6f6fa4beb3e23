using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace BamOrleans.Checkpoints.Tests;

/// <summary>A Serilog sink that keeps every event, so tests can assert on what was logged.</summary>
internal sealed class CollectingSink : ILogEventSink
{
    private readonly List<LogEvent> _events = [];

    public void Emit(LogEvent logEvent)
    {
        lock (_events) _events.Add(logEvent);
    }

    public IReadOnlyList<LogEvent> Events { get { lock (_events) return _events.ToArray(); } }

    public IReadOnlyList<LogEvent> Warnings => Events.Where(e => e.Level == LogEventLevel.Warning).ToArray();

    /// <summary>A logger writing to a new sink.</summary>
    public static (ILogger Log, CollectingSink Sink) Logger()
    {
        var sink = new CollectingSink();
        return (new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger(), sink);
    }

    /// <summary>The string value of a scalar property, or null.</summary>
    public static string? Property(LogEvent e, string name) =>
        e.Properties.TryGetValue(name, out var value) && value is ScalarValue { Value: var v } ? v?.ToString() : null;
}
