using BamOrleans.Core.Augmentation;

namespace BamOrleans.Core.Tests.Augmentation;

public sealed class AugmentationOptionsTests
{
    [Fact]
    public void Defaults_and_presets_are_valid()
    {
        Assert.Empty(new AugmentationOptions().Validate());
        Assert.Empty(AugmentationOptions.ForImageNet().Validate());
        Assert.Empty(AugmentationOptions.ForImageNet(160).Validate());
        Assert.Empty(AugmentationOptions.ForSmallImages(28).Validate());
        Assert.Empty(AugmentationOptions.Identity(28).Validate());
    }

    [Fact]
    public void ImageNet_preset_is_the_byol_recipe()
    {
        var options = AugmentationOptions.ForImageNet();

        Assert.Equal((224, 96), (options.GlobalSize, options.LocalSize));
        Assert.Equal((0.25, 1.0), options.GlobalScale);
        Assert.Equal((0.05, 0.25), options.LocalScale);
        Assert.Equal(1.0, options.Blur.For(ViewKind.Global, 0));
        Assert.Equal(0.1, options.Blur.For(ViewKind.Global, 1));
        Assert.Equal(0.5, options.Blur.For(ViewKind.Local, 3));
        Assert.Equal(0.0, options.Solarize.For(ViewKind.Global, 0));
        Assert.Equal(0.2, options.Solarize.For(ViewKind.Global, 1));
    }

    [Fact]
    public void Small_image_preset_fits_28_pixel_images()
    {
        var options = AugmentationOptions.ForSmallImages(28);

        Assert.Equal(28, options.GlobalSize);
        Assert.InRange(options.LocalSize, 12, 14);
        Assert.Equal(0.3, options.GlobalScale.Min);
        Assert.InRange(GaussianBlur.Radius(options, ViewKind.Global), 1, 3);   // a kernel of at most 7 taps
        Assert.InRange(GaussianBlur.Radius(options, ViewKind.Local), 1, 2);
    }

    [Fact]
    public void Global_views_past_the_list_use_its_last_probability()
    {
        var blur = new ViewProbabilities([1.0, 0.1], 0.5);

        Assert.Equal(0.1, blur.For(ViewKind.Global, 5));
        Assert.Equal(0.7, ViewProbabilities.All(0.7).For(ViewKind.Global, 3));
        Assert.Equal(0.7, ViewProbabilities.All(0.7).For(ViewKind.Local, 0));
    }

    [Fact]
    public void Options_compare_by_value_including_per_view_lists()
    {
        var a = new AugmentationOptions { Blur = new([1.0, 0.1], 0.5) };
        var b = new AugmentationOptions { Blur = new(new List<double> { 1.0, 0.1 }, 0.5) };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Blur = ViewProbabilities.All(0.5) });
        Assert.Contains("global [1, 0.1], local 0.5", a.ToString());
    }

    public static TheoryData<string> InvalidCases => new(Invalid.Keys);

    private static readonly Dictionary<string, (AugmentationOptions Options, string Expected)> Invalid = new()
    {
        ["size"] = (new() { GlobalSize = 0 }, "GlobalSize is 0 but must be at least 1 pixel; set it to the encoder's input size"),
        ["local size"] = (new() { LocalSize = -2 }, "LocalSize is -2 but must be at least 1 pixel"),
        ["scale order"] = (new() { GlobalScale = (0.8, 0.2) }, "GlobalScale is (0.8, 0.2) but must satisfy 0 < Min <= Max <= 1"),
        ["scale zero"] = (new() { LocalScale = (0.0, 0.2) }, "LocalScale is (0, 0.2) but must satisfy 0 < Min <= Max <= 1"),
        ["scale above one"] = (new() { GlobalScale = (0.5, 1.5) }, "GlobalScale is (0.5, 1.5)"),
        ["ratio"] = (new() { AspectRatio = (-1.0, 2.0) }, "AspectRatio is (-1, 2) but must satisfy 0 < Min <= Max"),
        ["flip"] = (new() { FlipProbability = 1.5 }, "FlipProbability is 1.5 but must be a probability in [0, 1]; use 0 to turn it off"),
        ["jitter NaN"] = (new() { JitterProbability = double.NaN }, "JitterProbability is NaN but must be a probability"),
        ["blur per view"] = (new() { Blur = new([1.0, 2.0], 0.5) }, "Blur.Global[1] is 2 but must be a probability"),
        ["blur empty"] = (new() { Blur = new([], 0.5) }, "Blur.Global is empty; give one probability per global view"),
        ["solarize local"] = (new() { Solarize = new([0.0], -0.1) }, "Solarize.Local is -0.1 but must be a probability"),
        ["brightness"] = (new() { Brightness = -0.4 }, "Brightness is -0.4 but must be a finite number >= 0"),
        ["saturation"] = (new() { Saturation = double.PositiveInfinity }, "Saturation is Infinity but must be a finite number >= 0"),
        ["sigma"] = (new() { BlurSigma = (2.0, 0.1) }, "BlurSigma is (2, 0.1) but must satisfy 0 < Min <= Max"),
        ["reference"] = (new() { BlurReferenceSize = 0 }, "BlurReferenceSize is 0 but must be at least 1 pixel"),
        ["threshold"] = (new() { SolarizeThreshold = 1.5 }, "SolarizeThreshold is 1.5 but must lie in [0, 1]"),
    };

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Each_problem_names_the_setting_and_the_fix(string name)
    {
        var (options, expected) = Invalid[name];

        var problem = Assert.Single(options.Validate());

        Assert.StartsWith(expected, problem);
    }

    [Fact]
    public void ThrowIfInvalid_lists_every_problem()
    {
        var options = new AugmentationOptions { GlobalSize = 0, FlipProbability = 2 };

        var error = Assert.Throws<ArgumentException>(options.ThrowIfInvalid);

        Assert.Contains("GlobalSize", error.Message);
        Assert.Contains("FlipProbability", error.Message);
    }

    [Fact]
    public void Augmenter_refuses_invalid_options()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new MultiViewAugmenter(new AugmentationOptions { LocalScale = (0.5, 0.1) }, 2, 0, 1, TestTensors.IdentityNormalizer(1)));

        Assert.Contains("LocalScale", error.Message);
    }
}
