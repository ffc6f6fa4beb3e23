namespace BamOrleans.Checkpoints;

/// <summary>
/// A verified checkpoint does not fit the model, teacher or optimizer it is restored into (another
/// architecture, width, optimizer or teacher setting). Nothing was copied. The message names
/// every offending tensor.
/// </summary>
public sealed class CheckpointMismatchException(long step, string manifest, IReadOnlyList<string> problems)
    : Exception($"cannot restore checkpoint {step} ({manifest}): {string.Join("; ", problems)}. "
        + "Restore into the model and optimizer built from the checkpoint's run definition.")
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
