using System.CommandLine;
using Spectre.Console;

namespace BamOrleans.Cli.Output;

/// <summary>
/// Where a command writes what it answers (tables, progress, JSON): the invocation's output, so
/// tests read it from a StringWriter. Logs go to Serilog (stderr-like diagnostics), never here.
/// </summary>
internal static class CommandConsole
{
    /// <summary>A Spectre console on the invocation's output. Colours and live redrawing only on a
    /// real terminal; redirected output (pipes, files, tests) gets plain text.</summary>
    public static IAnsiConsole For(ParseResult parse)
    {
        var writer = parse.InvocationConfiguration.Output;
        var terminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Redirected output has no width; Spectre would assume 80 columns and break silo
        // addresses and run ids across lines, which scripts and logs then cannot read.
        if (!terminal) console.Profile.Width = RedirectedWidth;
        return console;
    }

    /// <summary>Columns of redirected output.</summary>
    public const int RedirectedWidth = 160;

    /// <summary>The invocation's plain output writer (JSON and one-line answers).</summary>
    public static TextWriter Writer(ParseResult parse) => parse.InvocationConfiguration.Output;

    /// <summary>The invocation's error writer: one line per problem of bad input.</summary>
    public static TextWriter Errors(ParseResult parse) => parse.InvocationConfiguration.Error;
}
