using System.Runtime.InteropServices;

namespace BamOrleans.Checkpoints;

/// <summary>
/// A run's memory bank (PIRL's one vector per training image) as a checkpoint holds it: every
/// row, row-major in dataset index order, as of the end of step <see cref="AfterStep"/>, which is
/// the step before the checkpoint's <c>NextStep</c>. Stored as memory.bin, one float32 tensor
/// named <see cref="TensorName"/> of shape [rows, <see cref="Width"/>].
/// </summary>
/// <param name="AfterStep">The last step whose update the rows include: the checkpoint's NextStep − 1.</param>
/// <param name="Width">Floats per row.</param>
/// <param name="Rows">Row-major, <paramref name="Width"/> floats per dataset index.</param>
public sealed record CheckpointMemoryBank(long AfterStep, int Width, float[] Rows)
{
    /// <summary>The tensor's name inside memory.bin.</summary>
    public const string TensorName = "memory";

    /// <summary>How many rows (dataset images) the bank holds.</summary>
    public int Count => Width < 1 ? 0 : Rows.Length / Width;

    /// <summary>A copy as one [rows, width] float32 tensor (little-endian, as every tensor file).</summary>
    internal HostTensor ToHost(long nextStep)
    {
        ArgumentNullException.ThrowIfNull(Rows);
        if (Width < 1 || Rows.Length == 0 || Rows.Length % Width != 0)
            throw new ArgumentException(
                $"the memory bank has {Rows.Length} floats with width {Width}: give at least one row, and whole rows of width ≥ 1", nameof(Rows));
        if (AfterStep != nextStep - 1)
            throw new ArgumentException(
                $"the memory bank is after step {AfterStep}, but the checkpoint opens at step {nextStep}: take the bank after step {nextStep - 1} (the data pool's MemoryAfter({nextStep - 1})), at the same boundary as the positions",
                nameof(AfterStep));
        return new HostTensor(TensorName, TensorDType.Float32, [Count, Width], MemoryMarshal.AsBytes(Rows.AsSpan()).ToArray());
    }

    /// <summary>The bank of a verified memory.bin, or <see cref="CorruptCheckpointException"/> when it is not one [rows, width] float32 tensor.</summary>
    internal static CheckpointMemoryBank FromHost(IReadOnlyList<HostTensor> tensors, long nextStep, string blobName)
    {
        if (tensors is not [{ Name: TensorName, DType: TensorDType.Float32, Shape: [> 0 and <= int.MaxValue, > 0 and <= int.MaxValue] } tensor])
            throw new CorruptCheckpointException(blobName,
                $"it holds {string.Join(", ", tensors.Select(t => $"'{t.Name}' {t.DType} {t.ShapeText}"))} instead of one float32 tensor '{TensorName}' of shape [rows, width]");
        var rows = MemoryMarshal.Cast<byte, float>(tensor.Data).ToArray();
        return new CheckpointMemoryBank(nextStep - 1, (int)tensor.Shape[1], rows);
    }
}
