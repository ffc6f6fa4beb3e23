namespace BamOrleans.Checkpoints;

/// <summary>
/// state.json: the non-tensor part of a checkpoint. The run definition and the data state are
/// kept as strings, byte for byte as the caller gave them: this library does not interpret them.
/// <see cref="HasMemory"/> defaults to false, so state.json of checkpoints written before memory
/// banks existed still reads.
/// </summary>
internal sealed record CheckpointState(
    int FormatVersion,
    long NextStep,
    int Epoch,
    string OptimizerType,
    long OptimizerStepCount,
    bool HasTeacher,
    string RunDefinition,
    string DataState,
    bool HasMemory = false);
