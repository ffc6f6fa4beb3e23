using System.CommandLine;

namespace BamOrleans.Cli.Commands.Run;

/// <summary>`bam run …`: submit runs to a running cluster and control them.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Submit runs to a running cluster, list them, watch them, pause, resume or cancel them");
        command.Subcommands.Add(RunSubmitCommand.Create());
        command.Subcommands.Add(RunListCommand.Create());
        command.Subcommands.Add(RunStatusCommand.Create());
        command.Subcommands.Add(RunWatchCommand.Create());
        command.Subcommands.Add(RunReportCommand.Create());
        foreach (var control in RunControlCommands.Create()) command.Subcommands.Add(control);
        return command;
    }

    /// <summary>The run id argument every run command takes.</summary>
    public static Argument<string> RunIdArgument() => new("run-id") { Description = "the run's id (bam run list shows them)" };
}
