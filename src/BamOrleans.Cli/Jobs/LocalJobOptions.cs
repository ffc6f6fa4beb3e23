using BamOrleans.Cli.Commands;
using BamOrleans.Core.Training;

namespace BamOrleans.Cli.Jobs;

/// <summary>What the user asked of `bam local`.</summary>
internal sealed record LocalJobOptions
{
    // Sized so training plus evaluation fit in 10 minutes on 2 CPU cores (see README): about
    // 5–7 minutes of training at 800–1,000 images/s, capped at 7 minutes on a slower machine.
    public const long DefaultSteps = 2500;
    public const double DefaultMinutes = 7;
    public const int DefaultLocalViews = 2;
    public const int DefaultSilos = 2;
    public const int DefaultDataShards = 8;
    public const int DefaultCheckpointEvery = 500;
    public const int DefaultKnnEvery = 500;

    /// <summary>The self-supervised objective: "bam", "swav" or "pirl" (ObjectiveCatalog's names).</summary>
    public string Method { get; init; } = BamOrleans.Core.Objectives.Bam.BamObjective.Name;

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
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;
    public double BaseLearningRate { get; init; } = new OptimizationOptions().BaseLearningRate;
    public string OutputRoot { get; init; } = "runs";

    /// <summary>The folder this run's metrics and report go to (null: a new
    /// <c>local-&lt;utc time&gt;-seed&lt;seed&gt;</c> folder under <see cref="OutputRoot"/>).</summary>
    public string? RunDirectory { get; init; }
    public bool Evaluate { get; init; } = true;

    /// <summary>In-process silos of the local cluster (ignored with <see cref="SingleProcess"/>).</summary>
    public int Silos { get; init; } = DefaultSilos;

    /// <summary>Worker slots on each silo.</summary>
    public int SlotsPerSilo { get; init; } = 1;

    /// <summary>Data-shard grains the training set is cut into.</summary>
    public int DataShards { get; init; } = DefaultDataShards;

    /// <summary>The run's id: with a store that holds checkpoints of it, the run resumes from the
    /// latest one (null: a new id from the time).</summary>
    public string? RunId { get; init; }

    /// <summary>Folder the cluster checkpoints to and resumes from (null: "store" in the output folder).</summary>
    public string? StoreFolder { get; init; }

    /// <summary>Checkpoint every this many steps (0: never).</summary>
    public int CheckpointEvery { get; init; } = DefaultCheckpointEvery;

    /// <summary>Complete checkpoints kept.</summary>
    public int KeepCheckpoints { get; init; } = 3;

    /// <summary>Also checkpoint when this many minutes have passed since the last one (0: by steps only).</summary>
    public double CheckpointMinutes { get; init; }

    /// <summary>Run the silos as `bam-silo` processes with Redis membership instead of in this process.</summary>
    public bool Processes { get; init; }

    /// <summary>Measure the online k-NN monitor every this many steps (0: never).</summary>
    public int KnnEvery { get; init; } = DefaultKnnEvery;

    /// <summary>Train without a cluster: the single-process reference trainer.</summary>
    public bool SingleProcess { get; init; }
}
