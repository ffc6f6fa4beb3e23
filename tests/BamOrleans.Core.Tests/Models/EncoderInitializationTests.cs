using BamOrleans.Core.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Models;

public class EncoderInitializationTests
{
    [Fact]
    public void Same_seed_gives_identical_parameters()
    {
        using var a = Encoder.Create(EncoderOptions.ForFashionMnist(), seed: 42);
        // Disturb the global generator in between: Create must not depend on it.
        manual_seed(999);
        using var b = Encoder.Create(EncoderOptions.ForFashionMnist(), seed: 42);

        foreach (var ((name, pa), (_, pb)) in a.named_parameters().Zip(b.named_parameters()))
            Assert.True(TensorIdentity.AreIdentical(pa, pb), $"{name} differs between two encoders with seed 42");
    }

    [Fact]
    public void Different_seeds_give_different_weights()
    {
        using var a = Encoder.Create(EncoderOptions.ForFashionMnist(), seed: 1);
        using var b = Encoder.Create(EncoderOptions.ForFashionMnist(), seed: 2);

        var weights = a.named_parameters().Zip(b.named_parameters()).Where(p => p.First.parameter.dim() > 1).ToList();
        Assert.NotEmpty(weights);
        foreach (var ((name, pa), (_, pb)) in weights)
            Assert.False(TensorIdentity.AreIdentical(pa, pb), $"{name} is identical for seeds 1 and 2");
    }

    [Fact]
    public void Conv_weights_are_kaiming_normal_fan_out_and_norms_start_at_identity()
    {
        using var encoder = Encoder.Create(EncoderOptions.ForImageNet(EncoderArchitecture.ResNet18), seed: 5);
        foreach (var (name, module) in encoder.named_modules())
        {
            switch (module)
            {
                case Conv2d conv when conv.weight!.numel() > 20_000: // enough values for a tight std estimate
                    var w = conv.weight;
                    var expected = Math.Sqrt(2.0 / (w.shape[0] * w.shape[2] * w.shape[3]));
                    var std = w.std().item<float>();
                    Assert.InRange(std / expected, 0.95, 1.05);
                    break;
                case GroupNorm norm:
                    Assert.True(norm.weight!.eq(1).all().item<bool>(), $"{name}.weight is not all ones");
                    Assert.True(norm.bias!.eq(0).all().item<bool>(), $"{name}.bias is not all zeros");
                    break;
                case Linear linear:
                    Assert.True(linear.bias!.eq(0).all().item<bool>(), $"{name}.bias is not all zeros");
                    Assert.InRange(linear.weight!.std().item<float>(), 0.018, 0.022);
                    // ≤ 5.4σ by construction (float32 uniform kept one epsilon inside ±1).
                    Assert.True(linear.weight.abs().max().item<float>() <= 0.11f, $"{name}.weight has an outlier");
                    break;
            }
        }
    }

    /// <summary>An objective's prototypes (SwAV) are initialised after everything else, so every
    /// method starts from the same backbone and projector for a seed.</summary>
    [Fact]
    public void Prototypes_leave_the_seeded_backbone_and_projector_unchanged()
    {
        var options = EncoderOptions.ForFashionMnist() with { Width = 8 };
        using var plain = Encoder.Create(options, seed: 3);
        using var withPrototypes = Encoder.Create(options with { Prototypes = 10 }, seed: 3);
        var theirs = withPrototypes.state_dict();
        foreach (var (name, value) in plain.state_dict())
            Assert.True(value.eq(theirs[name]).all().item<bool>(), $"{name} differs when the encoder carries prototypes");
        Assert.Equal([10L, options.ProjectorOutDim], withPrototypes.Prototypes!.shape);
    }
}
