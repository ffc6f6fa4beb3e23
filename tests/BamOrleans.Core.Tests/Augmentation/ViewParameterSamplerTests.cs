using BamOrleans.Core.Augmentation;

namespace BamOrleans.Core.Tests.Augmentation;

public sealed class ViewParameterSamplerTests
{
    private static IEnumerable<ViewParameters> Draw(AugmentationOptions options, ViewKind kind, int view, int height, int width, int count = 4000) =>
        Enumerable.Range(0, count).Select(id => ViewParameterSampler.Draw(options, kind, view, seed: 5, epoch: 0, id, height, width));

    [Theory]
    [InlineData(ViewKind.Global, 28, 28)]
    [InlineData(ViewKind.Local, 28, 28)]
    [InlineData(ViewKind.Global, 32, 48)]
    [InlineData(ViewKind.Local, 300, 200)]
    public void Crops_lie_inside_the_image_with_area_and_aspect_in_range(ViewKind kind, int height, int width)
    {
        var options = new AugmentationOptions();
        var (scaleMin, scaleMax) = options.Scale(kind);

        foreach (var p in Draw(options, kind, 0, height, width))
        {
            Assert.InRange(p.CropLeft, 0, width - p.CropWidth + 1e-9);
            Assert.InRange(p.CropTop, 0, height - p.CropHeight + 1e-9);
            Assert.InRange(p.CropWidth * p.CropHeight / (height * width), scaleMin - 1e-9, scaleMax + 1e-9);
            Assert.InRange(p.CropWidth / p.CropHeight, options.AspectRatio.Min - 1e-9, options.AspectRatio.Max + 1e-9);
        }
    }

    [Fact]
    public void Probabilities_follow_the_options_per_view()
    {
        var options = new AugmentationOptions();
        var view0 = Draw(options, ViewKind.Global, 0, 32, 32).ToArray();
        var view1 = Draw(options, ViewKind.Global, 1, 32, 32).ToArray();
        var local = Draw(options, ViewKind.Local, 0, 32, 32).ToArray();

        Assert.All(view0, p => Assert.True(p.Blur));
        Assert.All(view0, p => Assert.False(p.Solarize));
        Assert.InRange(view1.Count(p => p.Blur), 300, 500);            // 10% of 4000
        Assert.InRange(view1.Count(p => p.Solarize), 700, 900);        // 20%
        Assert.InRange(local.Count(p => p.Blur), 1850, 2150);          // 50%
        Assert.InRange(view0.Count(p => p.Flip), 1850, 2150);
        Assert.InRange(view0.Count(p => p.Jitter), 3050, 3350);        // 80%
        Assert.InRange(view0.Count(p => p.Grayscale), 700, 900);
        Assert.Equal(6, view0.Select(p => p.JitterOrder).Distinct().Count());
    }

    [Fact]
    public void Jitter_factors_and_blur_sigma_are_in_range_and_scaled_to_the_view()
    {
        var options = AugmentationOptions.ForImageNet();

        foreach (var p in Draw(options, ViewKind.Local, 0, 64, 64, 1000))
        {
            Assert.InRange(p.Brightness, 0.6f, 1.4f);
            Assert.InRange(p.Contrast, 0.6f, 1.4f);
            Assert.InRange(p.Saturation, 0.8f, 1.2f);
            Assert.InRange(p.BlurSigma, 0.1 * 96 / 224, 2.0 * 96 / 224);
        }
    }

    [Fact]
    public void Identity_options_take_the_whole_image_and_change_nothing()
    {
        foreach (var p in Draw(AugmentationOptions.Identity(28), ViewKind.Global, 1, 28, 28, 200))
        {
            Assert.Equal((0.0, 0.0, 28.0, 28.0), (p.CropLeft, p.CropTop, p.CropWidth, p.CropHeight));
            Assert.False(p.Flip || p.Jitter || p.Grayscale || p.Blur || p.Solarize);
        }
    }

    [Fact]
    public void A_crop_too_wide_for_the_image_falls_back_to_a_centred_box()
    {
        var options = new AugmentationOptions { GlobalScale = (1.0, 1.0), AspectRatio = (2.0, 2.0) };

        var p = Draw(options, ViewKind.Global, 0, 40, 40, 1).Single();

        Assert.Equal((0.0, 10.0, 40.0, 20.0), (p.CropLeft, p.CropTop, p.CropWidth, p.CropHeight));
    }
}
