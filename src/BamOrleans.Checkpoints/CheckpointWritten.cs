namespace BamOrleans.Checkpoints;

/// <summary>A committed checkpoint and what it cost, for logs and figures (DESIGN §8: stall per
/// checkpoint, size, write throughput).</summary>
/// <param name="Step">Its NextStep (and folder).</param>
/// <param name="Epoch">The epoch of <paramref name="Step"/>.</param>
/// <param name="Bytes">Every blob written, manifest included.</param>
/// <param name="SnapshotSeconds">The copy to host memory: the only time training waited.</param>
/// <param name="UploadSeconds">Serialization, hashing and writing every blob, in the background.</param>
/// <param name="Manifest">The manifest's full blob name.</param>
public sealed record CheckpointWritten(long Step, int Epoch, long Bytes, double SnapshotSeconds, double UploadSeconds, string Manifest);

/// <summary>A checkpoint whose upload failed (nothing committed; the previous checkpoint stays latest).</summary>
/// <param name="Step">Its NextStep.</param>
/// <param name="Reason">The error's message.</param>
public sealed record CheckpointFailure(long Step, string Reason);
