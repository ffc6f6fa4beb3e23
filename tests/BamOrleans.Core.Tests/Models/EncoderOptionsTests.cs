using BamOrleans.Core.Models;

namespace BamOrleans.Core.Tests.Models;

public class EncoderOptionsTests
{
    [Fact]
    public void Presets_are_valid_and_have_the_documented_sizes()
    {
        var small = EncoderOptions.ForFashionMnist();
        Assert.Empty(small.Validate());
        Assert.Equal((EncoderArchitecture.SmallResNet, 1, 16, NormKind.Group), (small.Architecture, small.InChannels, small.Width, small.Norm));
        Assert.Equal((256, 128, 2), (small.ProjectorHiddenDim, small.ProjectorOutDim, small.ProjectorLayers));

        var big = EncoderOptions.ForImageNet(EncoderArchitecture.ResNet50);
        Assert.Empty(big.Validate());
        Assert.Equal((3, NormKind.Group), (big.InChannels, big.Norm));
        Assert.Equal((2048, 256, 3), (big.ProjectorHiddenDim, big.ProjectorOutDim, big.ProjectorLayers));
    }

    [Fact]
    public void Projector_defaults_follow_the_architecture_unless_set()
    {
        var resnet = new EncoderOptions { Architecture = EncoderArchitecture.ResNet18 };
        Assert.Equal(2048, resnet.ProjectorHiddenDim);
        var set = resnet with { ProjectorHiddenDim = 512 };
        Assert.Equal(512, set.ProjectorHiddenDim);
        Assert.Equal(512, (set with { Architecture = EncoderArchitecture.SmallResNet }).ProjectorHiddenDim);
    }

    [Fact]
    public void ForImageNet_rejects_the_small_net()
    {
        Assert.Throws<ArgumentException>(() => EncoderOptions.ForImageNet(EncoderArchitecture.SmallResNet));
    }

    [Fact]
    public void Validate_reports_every_problem_naming_the_key()
    {
        var options = new EncoderOptions
        {
            Architecture = (EncoderArchitecture)9,
            InChannels = 2,
            Width = 0,
            SmallBlocksPerStage = 0,
            Norm = (NormKind)5,
            ProjectorHiddenDim = 0,
            ProjectorOutDim = -1,
            ProjectorLayers = 0,
        };
        var problems = options.Validate();

        Assert.Equal(8, problems.Count);
        foreach (var key in new[] { "Architecture", "InChannels", "Width", "SmallBlocksPerStage", "Norm", "ProjectorHiddenDim", "ProjectorOutDim", "ProjectorLayers" })
            Assert.Contains(problems, p => p.StartsWith(key + " is"));
        Assert.Contains(problems, p => p.Contains("use 1 for grayscale or 3 for RGB"));
    }

    [Fact]
    public void Create_refuses_invalid_options_with_the_messages()
    {
        var error = Assert.Throws<ArgumentException>(() => Encoder.Create(EncoderOptions.ForFashionMnist() with { InChannels = 4 }, seed: 0));
        Assert.Contains("InChannels is 4", error.Message);
    }
}
