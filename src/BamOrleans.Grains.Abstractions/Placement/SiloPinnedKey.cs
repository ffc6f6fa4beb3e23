namespace BamOrleans.Grains.Placement;

/// <summary>
/// Keys of silo-pinned grains: <c>"{silo}#{localKey}"</c>, the silo written as
/// <see cref="SiloAddress.ToParsableString"/> (<c>"10.0.0.5:11111@123456789"</c>).
/// </summary>
/// <remarks>
/// The silo is part of the grain's identity, not a placement preference: a worker slot's model lives
/// in one silo's memory, so the key names the one silo that may ever host it. Because a silo address
/// carries its generation, a silo restarted on the same endpoint is a different silo and never
/// inherits the old keys; the grains it hosted are gone with it and must be re-created under new keys.
/// Placement itself is done by <c>SiloPinnedPlacementDirector</c>, which reads the silo back with
/// <see cref="SiloOf"/>.
/// </remarks>
public static class SiloPinnedKey
{
    /// <summary>Separates the silo from the local key. Cannot occur in a silo address, and is refused in local keys.</summary>
    public const char Separator = '#';

    /// <summary>The key of the grain called <paramref name="localKey"/> on <paramref name="silo"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="localKey"/> is empty or contains <see cref="Separator"/>, or <paramref name="silo"/> is a client address.</exception>
    public static string Compose(SiloAddress silo, string localKey)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(localKey);
        if (silo.IsClient)
            throw new ArgumentException($"{silo} is a client address (negative generation); a grain can only be pinned to a silo", nameof(silo));
        if (localKey.Length == 0)
            throw new ArgumentException("the local key of a silo-pinned grain is empty; give it a name such as \"slot-0\"", nameof(localKey));
        if (localKey.Contains(Separator))
            throw new ArgumentException(
                $"local key '{localKey}' contains '{Separator}', which separates the silo from the local key; choose a local key without it",
                nameof(localKey));
        return $"{silo.ToParsableString()}{Separator}{localKey}";
    }

    /// <summary>The silo named by a key built with <see cref="Compose"/>.</summary>
    /// <exception cref="ArgumentException">The key does not follow the format.</exception>
    public static SiloAddress SiloOf(string grainKey) => Parse(grainKey).Silo;

    /// <summary>The local key (the part after the silo) of a key built with <see cref="Compose"/>.</summary>
    /// <exception cref="ArgumentException">The key does not follow the format.</exception>
    public static string LocalKeyOf(string grainKey) => Parse(grainKey).LocalKey;

    private static (SiloAddress Silo, string LocalKey) Parse(string grainKey)
    {
        ArgumentNullException.ThrowIfNull(grainKey);
        var separator = grainKey.IndexOf(Separator);
        if (separator < 0)
            throw Malformed(grainKey, $"it has no '{Separator}'");
        var localKey = grainKey[(separator + 1)..];
        if (localKey.Length == 0)
            throw Malformed(grainKey, $"nothing follows '{Separator}'");
        if (localKey.Contains(Separator))
            throw Malformed(grainKey, $"it has more than one '{Separator}'");
        if (!SiloAddress.TryParse(grainKey[..separator], out var silo))
            throw Malformed(grainKey, $"'{grainKey[..separator]}' is not a silo address");
        return (silo, localKey);
    }

    private static ArgumentException Malformed(string grainKey, string problem) => new(
        $"'{grainKey}' is not a silo-pinned grain key: {problem}. Expected \"<silo>{Separator}<local key>\" with the silo "
        + $"as SiloAddress.ToParsableString() (\"127.0.0.1:11111@123456789\"); build keys with SiloPinnedKey.Compose",
        nameof(grainKey));
}
