using BamOrleans.Core.Models;

namespace BamOrleans.Core.Tests.Models;

public class ParameterGroupsTests
{
    [Theory]
    [InlineData(EncoderArchitecture.SmallResNet, NormKind.Group)]
    [InlineData(EncoderArchitecture.SmallResNet, NormKind.Batch)]
    [InlineData(EncoderArchitecture.ResNet18, NormKind.Group)]
    public void Decay_group_holds_only_conv_and_linear_weights(EncoderArchitecture architecture, NormKind norm)
    {
        using var encoder = Encoder.Create(new EncoderOptions { Architecture = architecture, Norm = norm, InChannels = 3 }, seed: 1);
        var groups = ParameterGroups.Split(encoder);

        Assert.NotEmpty(groups.Decay);
        Assert.NotEmpty(groups.NoDecay);
        foreach (var (name, parameter) in groups.Decay)
        {
            Assert.False(name.EndsWith(".bias"), $"{name} is a bias in the decay group");
            Assert.True(parameter.dim() > 1, $"{name} ({parameter.dim()}-D) is in the decay group");
        }
        foreach (var (name, parameter) in groups.NoDecay)
            Assert.True(name.EndsWith(".bias") || parameter.dim() == 1, $"{name} is a weight matrix in the no-decay group");
        // Every norm parameter (bn*, downsample.1, projector LayerNorm) is in the no-decay group.
        Assert.Contains(groups.NoDecay, p => p.Name == "backbone.bn1.weight");
        Assert.Contains(groups.NoDecay, p => p.Name == "projector.layers.1.weight");
        Assert.Contains(groups.Decay, p => p.Name == "projector.layers.0.weight");
    }

    [Fact]
    public void Every_parameter_is_in_exactly_one_group()
    {
        using var encoder = Encoder.Create(EncoderOptions.ForFashionMnist(), seed: 1);
        var groups = ParameterGroups.Split(encoder);

        var grouped = groups.All.Select(p => p.Name).ToList();
        var all = encoder.named_parameters().Select(p => p.name).ToList();
        Assert.Equal(all.Count, grouped.Count);
        Assert.Equal(all.OrderBy(n => n, StringComparer.Ordinal), grouped.OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal(encoder.ParameterCount, groups.All.Sum(p => p.Parameter.numel()));
    }

    [Fact]
    public void Frozen_parameters_are_left_out()
    {
        using var encoder = Encoder.Create(EncoderOptions.ForFashionMnist(), seed: 1);
        var frozen = encoder.named_parameters().First();
        frozen.parameter.requires_grad = false;

        var groups = ParameterGroups.Split(encoder);
        Assert.DoesNotContain(groups.All, p => p.Name == frozen.name);
    }

    [Fact]
    public void A_name_in_both_groups_is_rejected()
    {
        using var encoder = Encoder.Create(EncoderOptions.ForFashionMnist(), seed: 1);
        var p = encoder.named_parameters().First();
        var entry = new NamedParameter(p.name, p.parameter);
        var error = Assert.Throws<ArgumentException>(() => new ParameterGroups([entry], [entry]));
        Assert.Contains(p.name, error.Message);
    }
}
