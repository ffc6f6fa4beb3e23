using BamOrleans.Core.Distributed;
using BamOrleans.Core.Objective;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static BamOrleans.Core.Tests.Distributed.ProtocolHarness;

namespace BamOrleans.Core.Tests.Distributed;

/// <summary>Bytes per step per slot: the formula against real messages, and the figures for the
/// Fashion-MNIST default.</summary>
public sealed class SlotTrafficTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(2, false, ScalarType.Float32)]
    [InlineData(3, false, ScalarType.Float64)]
    [InlineData(3, true, ScalarType.Float32)]
    public void The_formula_matches_the_payloads_of_a_real_step(int slots, bool teacher, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        const int batch = 4, dim = 16;
        var options = new BamOptions { LocalViews = 2, UseEmaTeacher = teacher };
        var rows = (long)options.Views * batch * slots;
        var run = Run(Randn(rows, dim, 5, dtype), teacher ? Randn(rows, dim, 6, dtype) : null, options, 0.05, slots);
        var expected = SlotTraffic.For(SlotLayout.For(options, slots, batch), dim, dtype, teacher);
        for (var w = 0; w < slots; w++)
        {
            Assert.Equal(expected.UpBytes, run.UpBytes[w]);
            Assert.Equal(expected.DownBytes, run.DownBytes[w]);
        }
    }

    /// <summary>
    /// B = 128 per slot, V = 4 (2 local), T = 2, D = 128, float32. Floor: V·B·D·4 = 262,144 B each
    /// way. Up = V·B·D + K·D, down = K·D + K + T·B·D (no teacher); with a teacher, up = V·B·D and
    /// down = K·D + K.
    /// </summary>
    [Theory]
    [InlineData(2, false, 524_288, 395_264)]
    [InlineData(4, false, 786_432, 659_456)]
    [InlineData(2, true, 262_144, 264_192)]
    [InlineData(4, true, 262_144, 528_384)]
    public void Fashion_mnist_default(int slots, bool teacher, long up, long down)
    {
        var options = new BamOptions { LocalViews = 2, UseEmaTeacher = teacher };
        var traffic = SlotTraffic.For(SlotLayout.For(options, slots, batchPerSlot: 128), dim: 128, ScalarType.Float32, teacher);
        output.WriteLine($"W={slots} teacher={teacher}: up {traffic.UpBytes:N0} B ({traffic.UpOverFloor:F2}× floor), " +
                         $"down {traffic.DownBytes:N0} B ({traffic.DownOverFloor:F2}× floor), floor {traffic.FloorBytes:N0} B");
        Assert.Equal(262_144, traffic.FloorBytes);
        Assert.Equal(up, traffic.UpBytes);
        Assert.Equal(down, traffic.DownBytes);
    }
}
