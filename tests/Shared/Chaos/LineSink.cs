using Serilog.Core;
using Serilog.Events;

namespace BamOrleans.Tests.Shared.Chaos;

/// <summary>Writes each Serilog event as one line to a callback (a test's output, the console).</summary>
internal sealed class LineSink(Action<string> write) : ILogEventSink
{
    public void Emit(LogEvent logEvent)
    {
        var line = $"{logEvent.Timestamp:HH:mm:ss.fff} [{logEvent.Level.ToString()[..3].ToUpperInvariant()}] {logEvent.RenderMessage()}"
                   + (logEvent.Exception is null ? "" : $"\n{logEvent.Exception}");
        try
        {
            write(line);
        }
        catch (InvalidOperationException)
        {
            // A test's output refuses lines once the test is over; a late background line is dropped.
        }
    }
}
