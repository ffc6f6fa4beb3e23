using BamOrleans.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Models;

/// <summary>
/// Guards against libtorch's fused GroupNorm backward, which returns garbage gradients when the
/// affine parameters require grad (see <see cref="AffineGroupNorm"/>).
/// </summary>
public class AffineGroupNormTests
{
    private static (Tensor Input, Tensor Weight) ReferenceGradients(AffineGroupNorm norm, Tensor x, Tensor upstream)
    {
        x.grad?.zero_();
        norm.zero_grad();
        var grouped = x.view(x.shape[0], 4, -1);
        var mean = grouped.mean([2], keepdim: true);
        var variance = grouped.var(2, unbiased: false, keepdim: true);
        var y = grouped.sub(mean).div((variance + 1e-5).sqrt()).view(x.shape)
            .mul(norm.Weight.view(1, -1, 1, 1)).add(norm.Bias.view(1, -1, 1, 1));
        y.mul(upstream).sum().backward();
        return (x.grad!.clone(), norm.Weight.grad!.clone());
    }

    private static (Tensor Input, Tensor Weight) ModuleGradients(AffineGroupNorm norm, Tensor x, Tensor upstream)
    {
        x.grad?.zero_();
        norm.zero_grad();
        norm.forward(x).mul(upstream).sum().backward();
        return (x.grad!.clone(), norm.Weight.grad!.clone());
    }

    [Fact]
    public void Gradients_equal_a_hand_written_group_norm_and_repeat_exactly()
    {
        using var scope = NewDisposeScope();
        var norm = new AffineGroupNorm(groups: 4, channels: 8);
        using (no_grad())
        {
            norm.Weight.copy_(randn(8, generator: new Generator(7)));
            norm.Bias.copy_(randn(8, generator: new Generator(8)));
        }
        var x = randn([16, 8, 14, 14], generator: new Generator(3)).requires_grad_();
        var upstream = randn([16, 8, 14, 14], generator: new Generator(4));

        var expected = ReferenceGradients(norm, x, upstream);
        var first = ModuleGradients(norm, x, upstream);
        var second = ModuleGradients(norm, x, upstream);

        Assert.True(first.Input.allclose(expected.Input, rtol: 1e-4, atol: 1e-5), "input gradient differs from the reference");
        Assert.True(first.Weight.allclose(expected.Weight, rtol: 1e-4, atol: 1e-4), "weight gradient differs from the reference");
        Assert.True(first.Input.equal(second.Input).all().item<bool>(), "input gradient changes between identical calls");
    }

    [Fact]
    public void Parameters_keep_torch_names()
    {
        using var norm = new AffineGroupNorm(2, 4);
        Assert.Equal(["weight", "bias"], norm.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void An_encoder_gives_the_same_gradient_twice()
    {
        using var scope = NewDisposeScope();
        var options = EncoderOptions.ForFashionMnist() with { Width = 8, ProjectorHiddenDim = 32, ProjectorOutDim = 16 };
        using var encoder = Encoder.Create(options, seed: 1);
        var x = randn([16, 1, 28, 28], generator: new Generator(0));

        Tensor Gradient()
        {
            encoder.zero_grad();
            encoder.forward(x).pow(2).sum().backward();
            return torch.cat(encoder.parameters().Select(p => p.grad!.flatten()).ToArray()).clone();
        }

        var a = Gradient();
        var b = Gradient();
        Assert.True(a.isfinite().all().item<bool>(), "encoder gradient has non-finite entries");
        Assert.True(a.equal(b).all().item<bool>(), "encoder gradient changes between identical calls");
    }
}
