using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objective;

/// <summary>
/// Parity with the PyTorch reference (tools/reference/bam_reference.py, itself checked against the
/// official BAM code). Relative error = max|a − b| / max(max|b|, tiny) with b the reference;
/// tolerance 1e-6 for float64 fixtures and 1e-4 for float32 ones, each computed in its own dtype.
/// </summary>
public sealed class BamGoldenTests(ITestOutputHelper output)
{
    public static TheoryData<string> FixtureNames() => new(BamFixture.Names());

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Loss_targets_and_gradient_match_the_reference(string name)
    {
        var fixture = BamFixture.Load(name);
        var parity = BamParity.Measure(fixture);
        Assert.True(parity.ShapeProblem is null, $"{name}: {parity.ShapeProblem}");
        Assert.True(parity.LossError <= fixture.Tolerance, $"{name}: loss relative error {parity.LossError:e3} > {fixture.Tolerance:e0}");
        Assert.True(parity.TargetsError <= fixture.Tolerance, $"{name}: targets relative error {parity.TargetsError:e3} > {fixture.Tolerance:e0}");
        Assert.True(parity.GradError <= fixture.Tolerance, $"{name}: gradient relative error {parity.GradError:e3} > {fixture.Tolerance:e0}");
    }

    [Fact]
    public void Fixtures_cover_the_required_cases()
    {
        var all = BamFixture.Names().Select(BamFixture.Load).ToList();
        Assert.True(all.Count >= 10, $"only {all.Count} fixtures in {BamFixture.Directory}; regenerate them (tools/reference/README.md)");
        Assert.Contains(all, f => f.Dtype == ScalarType.Float32);
        Assert.Contains(all, f => f.Dtype == ScalarType.Float64);
        Assert.Contains(all, f => f.Options.LocalViews > 0);
        Assert.Contains(all, f => f.Options.TargetViews == f.Options.Views && f.Options.Views > 2);
        Assert.Contains(all, f => f.Options.TopK > 0);
        Assert.Contains(all, f => f.Options.UseEmaTeacher && f.ZTeacher is not null);
        Assert.True(all.Select(f => f.Epsilon).Distinct().Count() >= 2, "fixtures should use more than one ε");
        Assert.True(all.Select(f => f.ZShape[1]).Distinct().Count() >= 3, "fixtures should use several embedding sizes");
    }

    /// <summary>Reports the worst parity per quantity and dtype over all fixtures (and fails if
    /// any exceeds its tolerance), for the closing note.</summary>
    [Fact]
    public void Reports_max_relative_parity_error_per_quantity()
    {
        var results = BamFixture.Names().Select(BamFixture.Load).Select(f => (Fixture: f, Parity: BamParity.Measure(f))).ToList();
        Assert.NotEmpty(results);
        foreach (var group in results.GroupBy(r => r.Fixture.Dtype).OrderBy(g => g.Key.ToString()))
        {
            var tolerance = group.First().Fixture.Tolerance;
            foreach (var (quantity, pick) in new (string, Func<BamParity, double>)[]
                     { ("loss", p => p.LossError), ("targets", p => p.TargetsError), ("grad", p => p.GradError) })
            {
                var worst = group.MaxBy(r => pick(r.Parity));
                var value = pick(worst.Parity);
                output.WriteLine($"{group.Key,-8} {quantity,-8} max relative error {value:e2} (fixture {worst.Fixture.Name}, {group.Count()} fixtures, tolerance {tolerance:e0})");
                Assert.True(value <= tolerance, $"{group.Key} {quantity}: {value:e3} on {worst.Fixture.Name}");
            }
        }
    }
}
