namespace BamOrleans.Cli.Output;

/// <summary>What every `bam` command returns, so scripts can tell the cases apart (README lists them).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The operation ran and failed (a run failed, a slot stopped, an evaluation could not finish).</summary>
    public const int Failed = 1;

    /// <summary>Bad input: a config, an option, a file or a name; nothing was changed.</summary>
    public const int BadInput = 2;

    /// <summary>No cluster answered at the given address or clustering settings.</summary>
    public const int Unreachable = 3;

    /// <summary>A verification found damage (a checkpoint or a prepared dataset whose bytes do not match their manifest).</summary>
    public const int Damaged = 4;
}
