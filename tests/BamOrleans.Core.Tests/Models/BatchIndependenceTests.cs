using TorchSharp;
using BamOrleans.Core.Models;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Models;

/// <summary>
/// With Group norm a sample's embedding must not depend on the rest of its batch: the
/// distributed trainer treats W slots of B images as one process on the W·B batch.
/// </summary>
public class BatchIndependenceTests
{
    /// <remarks>
    /// float64 checks the property itself. In float32 the deep ResNet18 differs by ~3e-6 between
    /// batch sizes because oneDNN picks different conv blockings (summation order) per batch
    /// size: rounding, not coupling, so float32 is checked on the small net the trainer runs.
    /// </remarks>
    [Theory]
    [InlineData(EncoderArchitecture.SmallResNet, 1, 28, ScalarType.Float32)]
    [InlineData(EncoderArchitecture.SmallResNet, 1, 28, ScalarType.Float64)]
    [InlineData(EncoderArchitecture.SmallResNet, 3, 32, ScalarType.Float32)]
    [InlineData(EncoderArchitecture.ResNet18, 3, 32, ScalarType.Float64)]
    public void Group_norm_output_of_a_sample_is_the_same_alone_or_in_a_batch(
        EncoderArchitecture architecture, int channels, int size, ScalarType dtype)
    {
        var options = new EncoderOptions { Architecture = architecture, InChannels = channels, Norm = NormKind.Group, ProjectorNorm = NormKind.Group };
        using var encoder = Encoder.Create(options, seed: 3);
        encoder.to(dtype);
        encoder.train();
        using var scope = NewDisposeScope();
        manual_seed(7);
        var batch = randn(5, channels, size, size, dtype: dtype);

        var together = encoder.forward(batch);
        for (var i = 0; i < 5; i++)
        {
            var alone = encoder.forward(batch[i..(i + 1)]);
            var difference = alone.sub(together[i..(i + 1)]).abs().max().to_type(ScalarType.Float64).item<double>();
            Assert.True(difference <= 1e-6, $"sample {i}: max |alone − in batch| = {difference}");
        }
    }

    [Fact]
    public void Batch_norm_in_training_mode_does_couple_the_samples()
    {
        // The counter-example that motivates Group as the default.
        var options = EncoderOptions.ForFashionMnist() with { Norm = NormKind.Batch };
        using var encoder = Encoder.Create(options, seed: 3);
        encoder.train();
        using var scope = NewDisposeScope();
        manual_seed(7);
        var batch = randn(4, 1, 28, 28);

        var together = encoder.forward(batch);
        var pair = encoder.forward(batch[0..2]);
        Assert.True(pair.sub(together[0..2]).abs().max().item<float>() > 1e-3f);
    }
}
