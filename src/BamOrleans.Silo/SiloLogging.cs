using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;

namespace BamOrleans.Silo;

/// <summary>The silo's Serilog logger: our own logs at the chosen level, the runtime's warnings and errors.</summary>
public static class SiloLogging
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3} {Silo}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <param name="level">Minimum level of bam's own events.</param>
    /// <param name="format">Text lines or compact JSON.</param>
    /// <param name="siloEndpoint">Added to every event as Silo.</param>
    /// <param name="pod">In Kubernetes, the pod: added as Pod so a log query can join the events to the pod.</param>
    public static Serilog.Core.Logger Create(LogEventLevel level, SiloLogFormat format, string siloEndpoint, string? pod = null)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            // Orleans and the hosting stack are chatty at Information; their warnings still show.
            .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Silo", siloEndpoint);
        if (pod is not null) configuration = configuration.Enrich.WithProperty("Pod", pod);
        // stdout in both formats: the container runtime collects it. Text keeps the console sink's
        // own renderer (values as before: no JSON quoting of enums and times).
        return format switch
        {
            SiloLogFormat.Text => configuration.WriteTo.Console(outputTemplate: TextTemplate).CreateLogger(),
            SiloLogFormat.Json => configuration.WriteTo.Console(JsonFormatter()).CreateLogger(),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown log format"),
        };
    }

    /// <summary>--log-format json: Serilog's compact format (CLEF: @t, @mt, @l, properties as
    /// fields), one object per line, which Kubernetes log collectors parse as is.</summary>
    public static ITextFormatter JsonFormatter() => new CompactJsonFormatter();
}
