namespace BamOrleans.Cli.Jobs;

/// <summary>
/// What `bam compare` found: every method trained with the same budget, each evaluated like
/// `bam local`, beside the two baselines. Written as compare.json (and printed by --json);
/// compare.md and the console table show the same rows.
/// </summary>
/// <param name="Folder">The comparison's folder (absolute); the paths of the rows are relative to it.</param>
/// <param name="Evaluation">How every row's accuracies were measured.</param>
internal sealed record ComparisonDocument(
    int FormatVersion,
    DateTime CreatedUtc,
    string Folder,
    string Dataset,
    int TrainImages,
    int TestImages,
    ComparisonBudget Budget,
    string Evaluation,
    IReadOnlyList<MethodRow> Methods,
    IReadOnlyList<BaselineRow> Baselines);

/// <summary>The budget every method trained with.</summary>
/// <param name="Minutes">The time cap of each method's training (null: none); a method it stopped
/// early shows fewer <see cref="MethodRow.Steps"/>.</param>
/// <param name="LocalViews">Small crops per image for BAM and SwAV (PIRL takes none).</param>
internal sealed record ComparisonBudget(
    long Steps,
    int Batch,
    long Seed,
    int Threads,
    int Silos,
    int SlotsPerSilo,
    int LocalViews,
    double? Minutes,
    string Optimizer,
    double BaseLearningRate);

/// <summary>One method's row.</summary>
/// <param name="KnnTop1Percent">Weighted k-NN top-1 on the test split, in percent.</param>
/// <param name="LinearProbeTop1Percent">Linear-probe top-1 on the test split, in percent.</param>
/// <param name="ImagesPerSecond">Training throughput in source images (not views), warm-up steps left out.</param>
/// <param name="ObjectiveBytesPerStep">Bytes per step per slot of the objective's exchange: upload,
/// answer and shared-gradient round (<see cref="StepTrafficFigures.ObjectiveBytes"/>).</param>
/// <param name="TotalBytesPerStep">The same with the parameter-gradient average.</param>
/// <param name="FinalLoss">The mean loss of the last 20 steps (each objective's own scale).</param>
/// <param name="Steps">Steps trained (fewer than the budget's only when a time cap stopped it).</param>
/// <param name="Traffic">The bytes by exchange.</param>
/// <param name="RunFolder">The method's own run folder (metrics.json, report.html), relative to the comparison's.</param>
internal sealed record MethodRow(
    string Method,
    string Title,
    double KnnTop1Percent,
    double LinearProbeTop1Percent,
    double ImagesPerSecond,
    double ObjectiveBytesPerStep,
    double TotalBytesPerStep,
    double FinalLoss,
    double TrainingSeconds,
    int Steps,
    int FeatureDim,
    int Views,
    StepTrafficFigures? Traffic,
    string RunFolder,
    string Report,
    string Metrics);

/// <summary>A baseline measured the same way (random encoder, raw pixels).</summary>
internal sealed record BaselineRow(string Name, int FeatureDim, double KnnTop1Percent, double LinearProbeTop1Percent);
