using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objectives;

/// <summary>
/// Parity with the PyTorch reference (tools/reference/swav_reference.py, a re-statement of the
/// official facebookresearch/swav loss). Relative error = max|a − b| / max(max|b|, tiny) with b
/// the reference; tolerance 1e-6 for float64 fixtures and 1e-4 for float32 ones, each computed in
/// its own dtype. The reference uses the published plain-exp Sinkhorn, the C# code the log-domain
/// form, so agreement also checks that the rewrite changes no value.
/// </summary>
public sealed class SwavGoldenTests(ITestOutputHelper output)
{
    public static TheoryData<string> FixtureNames() => new(SwavFixture.Names());

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Codes_loss_and_both_gradients_match_the_reference(string name)
    {
        var fixture = SwavFixture.Load(name);
        var parity = SwavParity.Measure(fixture);
        Assert.True(parity.Problem is null, $"{name}: {parity.Problem}");
        foreach (var quantity in SwavParity.Quantities)
            Assert.True(parity.Error(quantity) <= fixture.Tolerance,
                $"{name}: {quantity} relative error {parity.Error(quantity):e3} > {fixture.Tolerance:e0}");
    }

    [Fact]
    public void Fixtures_cover_the_required_cases()
    {
        var all = SwavFixture.Names().Select(SwavFixture.Load).ToList();
        Assert.True(all.Count >= 8, $"only {all.Count} fixtures in {SwavFixture.Directory}; regenerate them (tools/reference/README.md)");
        Assert.Contains(all, f => f.Dtype == ScalarType.Float32);
        Assert.Contains(all, f => f.Dtype == ScalarType.Float64);
        Assert.Contains(all, f => f.Options.LocalViews == 0);
        Assert.Contains(all, f => f.Options.LocalViews > 0 && f.Dtype == ScalarType.Float64);
        Assert.Contains(all, f => f.Options.LocalViews > 0 && f.Dtype == ScalarType.Float32);
        Assert.Contains(all, f => f.Queue is not null && f.Dtype == ScalarType.Float64);
        Assert.Contains(all, f => f.Queue is not null && f.Dtype == ScalarType.Float32);
        Assert.Contains(all, f => f.Options.SinkhornIterations == 1);
        Assert.Contains(all, f => f.Options.SinkhornIterations == 3);
        Assert.Contains(all, f => f.Options.Epsilon == 0.05);
        Assert.Contains(all, f => f.Options.Epsilon != 0.05);
        Assert.True(all.Select(f => f.Options.Prototypes).Distinct().Count() >= 3, "fixtures should use several K");
        Assert.True(all.Select(f => f.Z.Shape[1]).Distinct().Count() >= 3, "fixtures should use several embedding sizes D");
        Assert.True(all.Select(f => f.Batch).Distinct().Count() >= 3, "fixtures should use several batch sizes B");
        Assert.All(all, f => Assert.True(f.Batch <= 16 && f.Options.Prototypes <= 32 && f.Z.Shape[1] <= 32, $"{f.Name} is not small"));
        Assert.All(all, f => Assert.Equal(f.Options.GlobalViews, f.ExpectedCodes.Count));
        Assert.All(all, f => Assert.Equal(f.Queue?.Count, f.Queue is null ? null : f.Options.GlobalViews));
    }

    /// <summary>Reports the worst parity per quantity and dtype over all fixtures (and fails if
    /// any exceeds its tolerance), for the closing note.</summary>
    [Fact]
    public void Reports_max_relative_parity_error_per_quantity()
    {
        var results = SwavFixture.Names().Select(SwavFixture.Load).Select(f => (Fixture: f, Parity: SwavParity.Measure(f))).ToList();
        Assert.NotEmpty(results);
        foreach (var group in results.GroupBy(r => r.Fixture.Dtype).OrderBy(g => g.Key.ToString()))
        {
            var tolerance = group.First().Fixture.Tolerance;
            foreach (var quantity in SwavParity.Quantities)
            {
                var worst = group.MaxBy(r => r.Parity.Error(quantity));
                var value = worst.Parity.Error(quantity);
                output.WriteLine($"{group.Key,-8} {quantity,-16} max relative error {value:e2} (fixture {worst.Fixture.Name}, {group.Count()} fixtures, tolerance {tolerance:e0})");
                Assert.True(value <= tolerance, $"{group.Key} {quantity}: {value:e3} on {worst.Fixture.Name}");
            }
        }
    }
}
