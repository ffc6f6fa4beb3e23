namespace BamOrleans.Checkpoints.Export;

/// <summary>
/// TorchSharp registers a module's submodule fields a second time under the field's own name
/// ("backbone._bn1.weight" beside "backbone.bn1.weight"): the same tensor under two names. An
/// encoder file keeps only the registered names, which are also the PyTorch twin's
/// (tools/reference/encoder_reference.py), so <c>load_state_dict</c> there finds no extra keys.
/// </summary>
internal static class StateDictAliases
{
    /// <summary>The name with the leading underscores of its segments removed ("backbone._bn1.weight"
    /// → "backbone.bn1.weight"); the name itself when it has none.</summary>
    public static string CanonicalName(string name) =>
        name.Contains("._", StringComparison.Ordinal) || name.StartsWith('_')
            ? string.Join('.', name.Split('.').Select(s => s.TrimStart('_')))
            : name;

    /// <summary>Whether <paramref name="name"/> is a field alias: its canonical name differs and is
    /// also among <paramref name="names"/>.</summary>
    public static bool IsAlias(string name, IReadOnlySet<string> names)
    {
        var canonical = CanonicalName(name);
        return canonical != name && names.Contains(canonical);
    }

    /// <summary>
    /// The tensors without their field aliases. An alias is dropped only when it holds exactly its
    /// canonical tensor's bytes (as the same tensor does); one that differs is kept, and the check
    /// against the encoder then names it rather than losing weights silently.
    /// </summary>
    public static IReadOnlyList<HostTensor> WithoutAliases(IReadOnlyList<HostTensor> tensors)
    {
        var byName = new Dictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var t in tensors) byName.TryAdd(t.Name, t);
        var names = byName.Keys.ToHashSet(StringComparer.Ordinal);
        return tensors.Where(t => !IsAlias(t.Name, names)
                                  || !byName[CanonicalName(t.Name)].Data.AsSpan().SequenceEqual(t.Data)
                                  || !byName[CanonicalName(t.Name)].Shape.SequenceEqual(t.Shape))
            .ToArray();
    }
}
