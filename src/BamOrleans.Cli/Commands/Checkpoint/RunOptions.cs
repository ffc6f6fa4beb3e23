using System.CommandLine;

namespace BamOrleans.Cli.Commands.Checkpoint;

/// <summary>`--run` and `--step`: which run's checkpoints, and which one of them.</summary>
internal sealed class RunOptions
{
    private readonly Option<string?> _run;
    private readonly Option<long?> _step;

    private RunOptions(bool runRequired, string stepDescription)
    {
        _run = new Option<string?>("--run") { Description = "the run's id (as `bam local --run-id`)", Required = runRequired };
        _step = new Option<long?>("--step") { Description = stepDescription };
    }

    /// <param name="stepDescription">What --step means for this command (what leaving it out does).</param>
    public static RunOptions AddTo(Command command, string stepDescription, bool runRequired = true)
    {
        var set = new RunOptions(runRequired, stepDescription);
        command.Options.Add(set._run);
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
        var run = parse.GetValue(_run);
        if (run is null) return null;
        if (run.Length == 0 || run.Any(c => c == '/' || char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new ArgumentException($"--run '{run}' is not a run id: give the id without '/' or spaces, as `bam local --run-id` took it.");
        return run;
    }

    public long? Step(ParseResult parse) => parse.GetValue(_step);
}
