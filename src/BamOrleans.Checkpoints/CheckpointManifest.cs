namespace BamOrleans.Checkpoints;

/// <summary>
/// manifest.json, the commit point of a checkpoint: a checkpoint exists once its manifest does.
/// It lists every blob of the checkpoint (relative to its step folder) with the length and
/// SHA-256 the reader must find, so a truncated or changed blob is detected before it is used.
/// </summary>
/// <remarks>
/// A checkpoint holds no RNG state on purpose: augmentations and sample order are counter-based
/// (pure functions of seed, epoch, sample and view), and the seed is part of the run definition
/// in state.json. Step, epoch and the data pool's state are enough to resume bit for bit.
/// </remarks>
/// <param name="FormatVersion"><see cref="CheckpointLayout.FormatVersion"/> of the writer.</param>
/// <param name="NextStep">The step the resumed run executes first; equals the folder's step.</param>
/// <param name="Epoch">The epoch of <paramref name="NextStep"/>.</param>
/// <param name="CreatedUtc">When the snapshot was taken.</param>
/// <param name="Blobs">Every other blob of the checkpoint.</param>
public sealed record CheckpointManifest(int FormatVersion, long NextStep, int Epoch, DateTime CreatedUtc, IReadOnlyList<ManifestBlob> Blobs);

/// <summary>One blob of a checkpoint as the manifest records it.</summary>
/// <param name="Name">File name within the step folder ("model.bin").</param>
/// <param name="Length">Bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content.</param>
public sealed record ManifestBlob(string Name, long Length, string Sha256);
