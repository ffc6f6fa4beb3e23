using Serilog;
using Serilog.Events;

namespace BamOrleans.Silo;

/// <summary>The silo's Serilog logger: our own logs at the chosen level, the runtime's warnings and errors.</summary>
public static class SiloLogging
{
    public static Serilog.Core.Logger Create(LogEventLevel level, string siloEndpoint) =>
        new LoggerConfiguration()
            .MinimumLevel.Is(level)
            // Orleans and the hosting stack are chatty at Information; their warnings still show.
            .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Silo", siloEndpoint)
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3} {Silo}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
}
