using System.CommandLine;

namespace BamOrleans.Cli.Commands.Checkpoint;

/// <summary>Which run's checkpoints, and which one of them: the run as the command's argument
/// (`bam checkpoint list &lt;run&gt;`), or as `--run` where it is one choice among others (`bam
/// eval`), and `--step`.</summary>
internal sealed class RunOptions
{
    private readonly Argument<string>? _runArgument;
    private readonly Option<string?>? _runOption;
    private readonly Option<long?> _step;

    private RunOptions(bool runRequired, string stepDescription)
    {
        const string description = "the run's id (as `bam run submit` or `bam local --run-id` named it)";
        if (runRequired) _runArgument = new Argument<string>("run") { Description = description };
        else _runOption = new Option<string?>("--run") { Description = description };
        _step = new Option<long?>("--step") { Description = stepDescription };
    }

    /// <param name="stepDescription">What --step means for this command (what leaving it out does).</param>
    /// <param name="runRequired">True: the run is the command's argument; false: an optional --run.</param>
    public static RunOptions AddTo(Command command, string stepDescription, bool runRequired = true)
    {
        var set = new RunOptions(runRequired, stepDescription);
        if (set._runArgument is not null) command.Arguments.Add(set._runArgument);
        if (set._runOption is not null) command.Options.Add(set._runOption);
        command.Options.Add(set._step);
        set._step.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long?>() is < 0) r.AddError("--step must be ≥ 0.");
        });
        return set;
    }

    /// <summary>The run id, or null when not given. A name that cannot be a run's folder is bad input.</summary>
    public string? Run(ParseResult parse)
    {
        var run = _runArgument is not null ? parse.GetValue(_runArgument) : parse.GetValue(_runOption!);
        if (run is null) return null;
        if (run.Length == 0 || run.Any(c => c == '/' || char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new ArgumentException($"run '{run}' is not a run id: give the id without '/' or spaces, as `bam run submit` or `bam local --run-id` took it.");
        return run;
    }

    public long? Step(ParseResult parse) => parse.GetValue(_step);
}
