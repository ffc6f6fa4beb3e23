using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objectives;

/// <summary>
/// Parity with the PyTorch reference (tools/reference/pirl_reference.py), which states the NCE
/// with the paper's probabilities while PirlMath works in log space. Relative error =
/// max|a − b| / max(max|b|, tiny), b the reference; tolerance 1e-6 for float64 fixtures and 1e-4
/// for float32 ones, each computed in its own dtype.
/// </summary>
public sealed class PirlGoldenTests(ITestOutputHelper output)
{
    public static TheoryData<string> FixtureNames() => new(PirlFixture.Names());

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Loss_gradients_and_updated_memory_match_the_reference(string name)
    {
        var fixture = PirlFixture.Load(name);
        var parity = PirlParity.Measure(fixture);
        Assert.True(parity.Problem is null, $"{name}: {parity.Problem}");
        foreach (var (quantity, pick) in PirlParity.Quantities)
            Assert.True(pick(parity) <= fixture.Tolerance, $"{name}: {quantity} relative error {pick(parity):e3} > {fixture.Tolerance:e0}");
    }

    [Fact]
    public void Fixtures_cover_the_required_cases()
    {
        var all = PirlFixture.Names().Select(PirlFixture.Load).ToList();
        Assert.True(all.Count >= 8, $"only {all.Count} fixtures in {PirlFixture.Directory}; regenerate them (tools/reference/README.md)");
        Assert.Contains(all, f => f.Dtype == ScalarType.Float32);
        Assert.Contains(all, f => f.Dtype == ScalarType.Float64);
        Assert.Contains(all, f => f.Options.Lambda == 0.5);
        Assert.Contains(all, f => f.Options.Lambda != 0.5);
        Assert.Contains(all, f => f.Options.Temperature == 0.07);
        Assert.Contains(all, f => f.Options.Temperature != 0.07);
        Assert.Contains(all, f => f.Options.MemoryMomentum != 0.5);
        Assert.True(all.Select(f => f.F.Shape[0]).Distinct().Count() >= 3, "fixtures should use several batch sizes");
        Assert.True(all.Select(f => f.F.Shape[1]).Distinct().Count() >= 3, "fixtures should use several embedding sizes");
        Assert.True(all.Select(f => f.Negatives.Shape[0]).Distinct().Count() >= 3, "fixtures should use several negative counts");
        // Every fixture's options must be valid, or the loss would refuse them rather than be compared.
        Assert.All(all, f => Assert.Empty(f.Options.Validate()));
    }

    /// <summary>Reports the worst parity per quantity and dtype over all fixtures (and fails if
    /// any exceeds its tolerance), for the closing note.</summary>
    [Fact]
    public void Reports_max_relative_parity_error_per_quantity()
    {
        var results = PirlFixture.Names().Select(PirlFixture.Load).Select(f => (Fixture: f, Parity: PirlParity.Measure(f))).ToList();
        Assert.NotEmpty(results);
        foreach (var group in results.GroupBy(r => r.Fixture.Dtype).OrderBy(g => g.Key.ToString()))
        {
            var tolerance = group.First().Fixture.Tolerance;
            foreach (var (quantity, pick) in PirlParity.Quantities)
            {
                var worst = group.MaxBy(r => pick(r.Parity));
                var value = pick(worst.Parity);
                output.WriteLine($"{group.Key,-8} {quantity,-8} max relative error {value:e2} (fixture {worst.Fixture.Name}, {group.Count()} fixtures, tolerance {tolerance:e0})");
                Assert.True(value <= tolerance, $"{group.Key} {quantity}: {value:e3} on {worst.Fixture.Name}");
            }
        }
    }
}
