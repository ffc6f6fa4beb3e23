using BamOrleans.Core.Models;

namespace BamOrleans.Checkpoints.Export;

/// <summary>
/// Compares stored tensors with an encoder's state dict without its field aliases
/// (<see cref="StateDictAliases"/>): the same names, shapes and dtypes, no more and no fewer.
/// Shared by the export (refuse to write weights that do not fit the options written beside them)
/// and the load (refuse to copy into the wrong architecture).
/// </summary>
internal static class EncoderStateCheck
{
    /// <summary>One line per mismatch; empty when the tensors are exactly the encoder's state.</summary>
    public static IReadOnlyList<string> Problems(Encoder encoder, IReadOnlyList<HostTensor> tensors)
    {
        var state = encoder.state_dict();
        var names = state.Keys.ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        var stored = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var t in tensors)
            if (!stored.TryAdd(t.Name, t))
                problems.Add($"tensor '{t.Name}' appears twice");
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in state)
        {
            if (StateDictAliases.IsAlias(name, names)) continue;
            live.Add(name);
            if (!stored.TryGetValue(name, out var host))
                problems.Add($"tensor '{name}' of the encoder is missing");
            else if (!host.Shape.SequenceEqual(tensor.shape))
                problems.Add($"tensor '{name}' is {host.ShapeText} but the encoder's is {HostTensor.FormatShape(tensor.shape)}");
            else if (host.DType.ToScalarType() != tensor.dtype)
                problems.Add($"tensor '{name}' is {host.DType} but the encoder's is {tensor.dtype}");
        }
        problems.AddRange(stored.Keys.Where(n => !live.Contains(n)).Select(n => $"tensor '{n}' is not part of the encoder"));
        return problems;
    }
}
