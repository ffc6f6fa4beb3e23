using System.Globalization;

namespace BamOrleans.Core.Augmentation;

/// <summary>
/// How likely an operation is on each view. Global views may differ by index (BYOL blurs view 0
/// always and view 1 rarely); global views past the end of <see cref="Global"/> use its last
/// entry; all local views share <see cref="Local"/>.
/// </summary>
public sealed record ViewProbabilities
{
    public ViewProbabilities(IReadOnlyList<double> global, double local)
    {
        ArgumentNullException.ThrowIfNull(global);
        Global = global.ToArray();
        Local = local;
    }

    public IReadOnlyList<double> Global { get; }
    public double Local { get; }

    public static ViewProbabilities Never { get; } = All(0.0);

    /// <summary>The same probability for every view, global and local.</summary>
    public static ViewProbabilities All(double probability) => new([probability], probability);

    public double For(ViewKind kind, int viewIndex) =>
        kind == ViewKind.Local ? Local
        : Global.Count == 0 ? 0.0
        : Global[Math.Clamp(viewIndex, 0, Global.Count - 1)];

    // Value semantics for the list too, so options records compare and print by content.
    public bool Equals(ViewProbabilities? other) =>
        other is not null && Local.Equals(other.Local) && Global.SequenceEqual(other.Global);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Local);
        foreach (var p in Global)
            hash.Add(p);
        return hash.ToHashCode();
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"global [{string.Join(", ", Global.Select(p => p.ToString(CultureInfo.InvariantCulture)))}], local {Local}");
}
