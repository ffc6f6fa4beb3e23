using static TorchSharp.torch;

namespace BamOrleans.Core.Objectives;

/// <summary>
/// The leader's answer for one step: slot w receives <see cref="Shared"/> followed by
/// <c>PerSlot[w]</c>. Shared tensors go to every slot (BAM's columns, PIRL's negatives), so the
/// wire converts them once. Owns its tensors.
/// </summary>
/// <param name="Shared">Tensors every slot receives.</param>
/// <param name="PerSlot">Index w: the tensors only slot w receives (empty lists when none).</param>
/// <param name="MemoryWrite">Rows of the per-image memory to write once the step is done; null when none.</param>
public sealed record LeaderAnswer(IReadOnlyList<Tensor> Shared, IReadOnlyList<IReadOnlyList<Tensor>> PerSlot, MemoryWrite? MemoryWrite)
    : IDisposable
{
    /// <summary>What slot w receives, in order.</summary>
    public IReadOnlyList<Tensor> For(int slot) => [.. Shared, .. PerSlot[slot]];

    public void Dispose()
    {
        foreach (var tensor in Shared) tensor.Dispose();
        foreach (var slot in PerSlot)
        foreach (var tensor in slot)
            tensor.Dispose();
        MemoryWrite?.Rows.Dispose();
    }
}

/// <summary>New per-image memory rows: row r belongs to image <c>Indices[r]</c>.</summary>
public sealed record MemoryWrite(int[] Indices, Tensor Rows);
