using Serilog.Core;
using Serilog.Events;
using Xunit.Abstractions;

namespace BamOrleans.Cli.Tests;

/// <summary>Sends the command's Serilog events to the test's output, so a failing test shows
/// what the command said (xunit prints a test's output when it fails).</summary>
internal sealed class TestOutputSink(ITestOutputHelper output) : ILogEventSink
{
    public void Emit(LogEvent logEvent)
    {
        var line = $"[{logEvent.Timestamp:HH:mm:ss.fff} {logEvent.Level}] {logEvent.RenderMessage()}";
        if (logEvent.Exception is { } e) line += $" ({e.GetType().Name}: {e.Message})";
        try { output.WriteLine(line); }
        catch (InvalidOperationException) { /* the test has ended; a late event from a stopping silo */ }
    }
}
