using BamOrleans.Cli.Commands;
using BamOrleans.Core.Runtime;
using Serilog;
using Serilog.Events;

// The `bam` command line: builds the command tree and the logger, nothing else.
Log.Logger = new LoggerConfiguration()
    .MinimumLevel.Information()
    .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
    // The in-process silos and the client log through this logger too; Orleans is chatty below Warning.
    .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
    // Start-up notes of in-process silos (server GC off, a watchdog reading before its first
    // check) that say nothing about the run.
    .MinimumLevel.Override("Orleans.Runtime.Silo", LogEventLevel.Error)
    .MinimumLevel.Override("Orleans.Runtime.Watchdog", LogEventLevel.Error)
    // Orleans 10's placement retries report every pipeline run through Polly at Information.
    .MinimumLevel.Override("Polly", LogEventLevel.Warning)
    .Enrich.FromLogContext()
    // Logs on stderr: stdout carries the commands' answers (tables, --json), which scripts pipe.
    .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}",
        standardErrorFromLevel: LogEventLevel.Verbose)
    .CreateLogger();

try
{
    TorchRuntime.Initialize(Log.Logger);
    return BamCommandLine.Invoke(args);
}
finally
{
    Log.CloseAndFlush();
}
