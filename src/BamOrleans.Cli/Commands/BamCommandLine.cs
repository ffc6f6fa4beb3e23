using System.CommandLine;

namespace BamOrleans.Cli.Commands;

/// <summary>The whole `bam` command tree, built in one place so tests invoke exactly what users type.</summary>
internal static class BamCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("bam — BAM self-supervised pretraining on spot-friendly Orleans clusters");
        root.Subcommands.Add(LocalCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(Run.RunCommand.Create());
        root.Subcommands.Add(Cluster.ClusterCommand.Create());
        root.Subcommands.Add(Dataset.DatasetCommand.Create());
        root.Subcommands.Add(Checkpoint.CheckpointCommand.Create());
        root.Subcommands.Add(Eval.EvalCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs one command line. A line the parser refuses (an unknown option, a missing
    /// argument, a value of the wrong type) is bad input like any other: its errors go to the error
    /// writer, one per line, and the exit code is 2, not the parser's default of 1.
    /// </summary>
    public static int Invoke(string[] args, InvocationConfiguration? invocation = null)
    {
        invocation ??= new InvocationConfiguration();
        var parse = Create().Parse(args);
        if (parse.Errors.Count == 0 || parse.Action is not System.CommandLine.Invocation.ParseErrorAction)
            return parse.Invoke(invocation);
        foreach (var error in parse.Errors)
            invocation.Error.WriteLine($"bam: {error.Message} (bam {CommandPath(parse)} --help lists the options)");
        return Output.ExitCodes.BadInput;
    }

    /// <summary>"run submit" for `bam run submit …`: the command the parser stopped in.</summary>
    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            if (result.Command is not RootCommand) names.Insert(0, result.Command.Name);
        return string.Join(' ', names);
    }
}
