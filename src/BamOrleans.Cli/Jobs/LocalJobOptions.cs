using BamOrleans.Cli.Commands;

namespace BamOrleans.Cli.Jobs;

/// <summary>What the user asked of `bam local`.</summary>
internal sealed record LocalJobOptions
{
    // Sized so training plus evaluation fit in about 10 minutes on 2 CPU cores (see README).
    public const long DefaultSteps = 600;
    public const int DefaultLocalViews = 2;

    public required string DataPath { get; init; }
    public DatasetKind Dataset { get; init; } = DatasetKind.FashionMnist;
    public string? EvalDataPath { get; init; }
    public int ImageSize { get; init; } = 32;
    public long Steps { get; init; } = DefaultSteps;
    public int GlobalBatch { get; init; } = 128;
    public TimeSpan? TimeBudget { get; init; }
    public long Seed { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
    public int LocalViews { get; init; } = DefaultLocalViews;
    public bool UseEmaTeacher { get; init; }
    public string OutputRoot { get; init; } = "runs";
    public bool Evaluate { get; init; } = true;
}
