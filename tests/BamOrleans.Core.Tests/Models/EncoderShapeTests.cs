using BamOrleans.Core.Models;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Models;

public class EncoderShapeTests
{
    [Theory]
    [InlineData(1, 28, 16)]
    [InlineData(3, 32, 16)]
    [InlineData(1, 28, 8)]
    public void SmallResNet_gives_feature_and_projector_shapes(int channels, int size, int width)
    {
        var options = EncoderOptions.ForFashionMnist() with { InChannels = channels, Width = width };
        using var encoder = Encoder.Create(options, seed: 1);
        using var scope = NewDisposeScope();
        var images = rand(3, channels, size, size);

        Assert.Equal(new long[] { 3, 4 * width }, encoder.Features(images).shape);
        Assert.Equal(new long[] { 3, 128 }, encoder.forward(images).shape);
        Assert.Equal(4 * width, encoder.FeatureDim);
        Assert.Equal(128, encoder.OutputDim);
    }

    [Fact]
    public void ResNet18_at_64_pixels_gives_512_features_and_256_outputs()
    {
        using var encoder = Encoder.Create(EncoderOptions.ForImageNet(EncoderArchitecture.ResNet18), seed: 1);
        using var scope = NewDisposeScope();
        var images = rand(2, 3, 64, 64);

        Assert.Equal(new long[] { 2, 512 }, encoder.Features(images).shape);
        Assert.Equal(new long[] { 2, 256 }, encoder.forward(images).shape);
        Assert.Equal(512, encoder.FeatureDim);
    }

    [Fact]
    public void ResNet50_on_a_tiny_input_gives_2048_features()
    {
        using var encoder = Encoder.Create(EncoderOptions.ForImageNet(EncoderArchitecture.ResNet50), seed: 1);
        using var scope = NewDisposeScope();
        var images = rand(1, 3, 32, 32);

        Assert.Equal(new long[] { 1, 2048 }, encoder.Features(images).shape);
        Assert.Equal(new long[] { 1, 256 }, encoder.forward(images).shape);
    }

    [Theory]
    [InlineData(EncoderArchitecture.ResNet18, 11_176_512L)]
    [InlineData(EncoderArchitecture.ResNet50, 23_508_032L)]
    public void ResNet_backbones_have_torchvision_parameter_counts(EncoderArchitecture architecture, long torchvisionWithoutFc)
    {
        // torchvision resnet18/50 minus the fc layer (512·1000+1000 / 2048·1000+1000); GroupNorm
        // has the same affine parameters as BatchNorm.
        using var encoder = Encoder.Create(EncoderOptions.ForImageNet(architecture), seed: 1);
        var backbone = encoder.named_parameters().Where(p => p.name.StartsWith("backbone.")).Sum(p => p.parameter.numel());
        Assert.Equal(torchvisionWithoutFc, backbone);
    }

    [Fact]
    public void Parameter_count_matches_the_pytorch_twin()
    {
        // `/usr/bin/python3 tools/reference/encoder_reference.py` prints {"params": 127152}.
        using var encoder = Encoder.Create(EncoderOptions.ForFashionMnist(), seed: 1);
        Assert.Equal(127_152, encoder.ParameterCount);
    }

    [Fact]
    public void Projector_layer_count_and_sizes_follow_the_options()
    {
        var options = EncoderOptions.ForFashionMnist() with { ProjectorLayers = 3, ProjectorHiddenDim = 32, ProjectorOutDim = 7 };
        using var encoder = Encoder.Create(options, seed: 1);
        var linearWeights = encoder.named_parameters()
            .Where(p => p.name.StartsWith("projector.") && p.parameter.dim() == 2)
            .Select(p => p.parameter.shape)
            .ToList();

        Assert.Equal(3, linearWeights.Count);
        Assert.Equal(new long[] { 32, 64 }, linearWeights[0]);
        Assert.Equal(new long[] { 32, 32 }, linearWeights[1]);
        Assert.Equal(new long[] { 7, 32 }, linearWeights[2]);
    }
}
