using System.CommandLine;
using System.Diagnostics;
using BamOrleans.Cli.Commands;
using Serilog;
using Serilog.Events;
using Xunit.Abstractions;

namespace BamOrleans.Cli.Tests;

/// <summary>What one `bam` command line gave.</summary>
internal sealed record BamResult(int Code, string Output, string Error, TimeSpan Took);

/// <summary>
/// Runs `bam` as a user types it (the whole command tree, parse errors included) with its answer
/// captured and its log in the test's output, shown when the test fails.
/// </summary>
internal static class BamCli
{
    /// <summary>Runs one command line off the test's thread (the command blocks on its async action).</summary>
    public static Task<BamResult> Run(ITestOutputHelper testOutput, params string[] args) => Task.Run(() => Invoke(testOutput, args));

    /// <summary>Runs one command line on this thread; with no test output, its log goes nowhere.</summary>
    public static BamResult Invoke(ITestOutputHelper? testOutput, params string[] args)
    {
        var previous = Log.Logger;
        Log.Logger = testOutput is null
            ? new LoggerConfiguration().CreateLogger()
            : new LoggerConfiguration()
                .MinimumLevel.Information()
                .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
                .MinimumLevel.Override("Orleans", LogEventLevel.Warning)
                .MinimumLevel.Override("Polly", LogEventLevel.Warning)
                .WriteTo.Sink(new TestOutputSink(testOutput))
                .CreateLogger();
        var output = new StringWriter();
        var error = new StringWriter();
        var clock = Stopwatch.StartNew();
        try
        {
            var code = BamCommandLine.Invoke(args, new InvocationConfiguration { Output = output, Error = error });
            testOutput?.WriteLine($"bam {string.Join(' ', args)} → {code}\n{output}\n{error}");
            return new BamResult(code, output.ToString(), error.ToString(), clock.Elapsed);
        }
        finally
        {
            (Log.Logger as IDisposable)?.Dispose();
            Log.Logger = previous;
        }
    }
}
