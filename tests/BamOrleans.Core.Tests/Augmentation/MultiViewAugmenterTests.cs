using BamOrleans.Core.Augmentation;
using BamOrleans.Core.Data;
using TorchSharp;
using static BamOrleans.Core.Tests.Augmentation.TestTensors;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Augmentation;

public sealed class MultiViewAugmenterTests
{
    /// <summary>Every operation likely on every view, so reproducibility tests exercise all of them.</summary>
    private static AugmentationOptions Busy(int size) => AugmentationOptions.ForImageNet(size) with
    {
        JitterProbability = 1.0,
        GrayscaleProbability = 0.5,
        Blur = ViewProbabilities.All(0.6),
        Solarize = ViewProbabilities.All(0.5),
    };

    private static MultiViewAugmenter Augmenter(AugmentationOptions options, int channels, int globalViews = 2, int localViews = 3, long seed = 42) =>
        new(options, globalViews, localViews, seed, PixelNormalizer.ForChannels(channels));

    [Fact]
    public void Views_are_view_major_with_the_configured_sizes()
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(3, 1, 28, 28, seed: 1);

        using var views = Augmenter(AugmentationOptions.ForSmallImages(28), 1, globalViews: 2, localViews: 4).Make(images, [5, 6, 7], epoch: 0);

        Assert.Equal((3, 2, 4), (views.BatchSize, views.GlobalViews, views.LocalViews));
        Assert.Equal([6L, 1, 28, 28], views.Global.shape);
        Assert.Equal([12L, 1, 13, 13], views.Local!.shape);
        Assert.Equal(ScalarType.Float32, views.Global.dtype);
        Assert.Equal(ScalarType.Float32, views.Local.dtype);
        using var second = views.GlobalView(1);
        Assert.True(BitIdentical(second, views.Global.narrow(0, 3, 3)));
    }

    [Fact]
    public void No_local_views_gives_a_null_local_tensor()
    {
        using var scope = NewDisposeScope();

        using var views = Augmenter(AugmentationOptions.ForSmallImages(28), 1, localViews: 0).Make(RandomImages(2, 1, 28, 28, 1), [0, 1], 0);

        Assert.Null(views.Local);
        Assert.Equal(4, views.Global.shape[0]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_sample_gets_identical_views_whatever_batch_it_is_in_and_wherever(int channels)
    {
        using var scope = NewDisposeScope();
        var augmenter = Augmenter(Busy(24), channels, globalViews: 3, localViews: 4);
        var all = RandomImages(3, channels, 32, 30, seed: 9);
        Tensor Image(int i) => all.narrow(0, i, 1);

        // Sample 101 first in batch [101, 102], then second in batch [103, 101], then alone.
        using var first = augmenter.Make(cat([Image(0), Image(1)], 0), [101, 102], epoch: 4);
        using var second = augmenter.Make(cat([Image(2), Image(0)], 0), [103, 101], epoch: 4);
        using var alone = augmenter.Make(Image(0), [101], epoch: 4);

        for (var v = 0; v < 3; v++)
        {
            Assert.True(BitIdentical(Row(first.Global, 2 * v), Row(second.Global, 2 * v + 1)), $"global view {v}, batch order");
            Assert.True(BitIdentical(Row(first.Global, 2 * v), Row(alone.Global, v)), $"global view {v}, batch size");
        }
        for (var v = 0; v < 4; v++)
        {
            Assert.True(BitIdentical(Row(first.Local!, 2 * v), Row(second.Local!, 2 * v + 1)), $"local view {v}, batch order");
            Assert.True(BitIdentical(Row(first.Local!, 2 * v), Row(alone.Local!, v)), $"local view {v}, batch size");
        }
    }

    [Fact]
    public void Row_v_times_B_plus_b_is_view_v_of_image_b()
    {
        using var scope = NewDisposeScope();
        var augmenter = Augmenter(Busy(16), 3, globalViews: 2, localViews: 2);
        var images = RandomImages(4, 3, 20, 20, seed: 3);
        long[] ids = [40, 41, 42, 43];

        using var batch = augmenter.Make(images, ids, epoch: 1);

        for (var b = 0; b < 4; b++)
        {
            using var single = augmenter.Make(images.narrow(0, b, 1), [ids[b]], epoch: 1);
            for (var v = 0; v < 2; v++)
            {
                Assert.True(BitIdentical(Row(batch.Global, v * 4 + b), Row(single.Global, v)));
                Assert.True(BitIdentical(Row(batch.Local!, v * 4 + b), Row(single.Local!, v)));
            }
        }
    }

    [Fact]
    public void Same_seed_reproduces_and_another_epoch_seed_or_view_differs()
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(2, 3, 24, 24, seed: 5);
        using var reference = Augmenter(Busy(16), 3, seed: 1).Make(images, [0, 1], epoch: 0);
        using var again = Augmenter(Busy(16), 3, seed: 1).Make(images, [0, 1], epoch: 0);
        using var nextEpoch = Augmenter(Busy(16), 3, seed: 1).Make(images, [0, 1], epoch: 1);
        using var otherSeed = Augmenter(Busy(16), 3, seed: 2).Make(images, [0, 1], epoch: 0);

        Assert.True(BitIdentical(reference.Global, again.Global));
        Assert.True(BitIdentical(reference.Local!, again.Local!));
        for (var row = 0; row < 4; row++)
        {
            Assert.False(BitIdentical(Row(reference.Global, row), Row(nextEpoch.Global, row)), $"epoch, row {row}");
            Assert.False(BitIdentical(Row(reference.Global, row), Row(otherSeed.Global, row)), $"seed, row {row}");
        }
        Assert.False(BitIdentical(Row(reference.Global, 0), Row(reference.Global, 2)), "view 0 and view 1 of image 0");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Identity_options_return_the_normalised_input(int channels)
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(3, channels, 16, 16, seed: 11);
        var normalizer = PixelNormalizer.ForChannels(channels);

        using var views = new MultiViewAugmenter(AugmentationOptions.Identity(16), 2, 1, seed: 3, normalizer).Make(images, [0, 1, 2], 0);

        var expected = normalizer.Apply(images);
        Assert.True(MaxAbsDifference(views.Global.narrow(0, 0, 3), expected) < 1e-5);
        Assert.True(MaxAbsDifference(views.Global.narrow(0, 3, 3), expected) < 1e-5);
        Assert.True(MaxAbsDifference(views.Local!, expected) < 1e-5);
    }

    [Fact]
    public void Flip_only_mirrors_the_image()
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(2, 3, 12, 12, seed: 13);
        var options = AugmentationOptions.Identity(12) with { FlipProbability = 1.0 };

        using var views = new MultiViewAugmenter(options, 1, 0, 0, IdentityNormalizer(3)).Make(images, [0, 1], 0);

        Assert.True(MaxAbsDifference(views.Global, images.flip(3)) < 1e-6);
    }

    [Fact]
    public void Crop_box_selects_the_matching_input_pixels()
    {
        using var scope = NewDisposeScope();
        var image = RandomImages(1, 1, 8, 8, seed: 17);
        var topLeft = new ViewParameters(0, 0, 4, 4, false, false, 1, 1, 1, 0, false, false, 1, false);
        var bottomRight = topLeft with { CropLeft = 4, CropTop = 4 };

        var a = ResizedCropWithFlip.Apply(image, [topLeft], 4);
        var b = ResizedCropWithFlip.Apply(image, [bottomRight], 4);

        Assert.True(MaxAbsDifference(a, image.narrow(2, 0, 4).narrow(3, 0, 4)) < 1e-6);
        Assert.True(MaxAbsDifference(b, image.narrow(2, 4, 4).narrow(3, 4, 4)) < 1e-6);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    public void Solarize_only_inverts_pixels_at_or_above_the_threshold(double threshold)
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(2, 1, 10, 10, seed: 19);
        var options = AugmentationOptions.Identity(10) with { Solarize = ViewProbabilities.All(1.0), SolarizeThreshold = threshold };

        using var views = new MultiViewAugmenter(options, 1, 1, 0, IdentityNormalizer(1)).Make(images, [0, 1], 0);

        var expected = where(images.ge(threshold), images.neg().add(1), images);
        Assert.True(MaxAbsDifference(views.Global, expected) < 1e-6);
        Assert.True(MaxAbsDifference(views.Local!, expected) < 1e-6);
        if (threshold == 0.0)
            Assert.True(MaxAbsDifference(views.Global, images.neg().add(1)) < 1e-6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Values_stay_in_the_unit_interval_before_normalisation(int channels)
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(6, channels, 32, 32, seed: 23);
        var options = Busy(24) with { Brightness = 0.9, Contrast = 0.9, Saturation = 0.9 };

        using var views = new MultiViewAugmenter(options, 2, 2, 7, IdentityNormalizer(channels)).Make(images, [0, 1, 2, 3, 4, 5], 0);

        foreach (var tensor in new[] { views.Global, views.Local! })
        {
            Assert.True(tensor.min().item<float>() >= 0f);
            Assert.True(tensor.max().item<float>() <= 1f);
            Assert.False(tensor.isnan().any().item<bool>());
        }
    }

    [Fact]
    public void Grayscale_makes_the_three_channels_equal()
    {
        using var scope = NewDisposeScope();
        var images = RandomImages(2, 3, 8, 8, seed: 29);
        var options = AugmentationOptions.Identity(8) with { GrayscaleProbability = 1.0 };

        using var views = new MultiViewAugmenter(options, 1, 0, 0, IdentityNormalizer(3)).Make(images, [0, 1], 0);

        var g = views.Global;
        Assert.True(BitIdentical(g.narrow(1, 0, 1), g.narrow(1, 1, 1)));
        Assert.True(BitIdentical(g.narrow(1, 0, 1), g.narrow(1, 2, 1)));
        var expected = images.narrow(1, 0, 1).mul(0.299f).add(images.narrow(1, 1, 1).mul(0.587f)).add(images.narrow(1, 2, 1).mul(0.114f));
        Assert.True(MaxAbsDifference(g.narrow(1, 0, 1), expected) < 1e-6);
    }

    [Fact]
    public void Blur_keeps_flat_images_flat_and_smooths_a_checkerboard()
    {
        using var scope = NewDisposeScope();
        var flat = full(new long[] { 1, 1, 16, 16 }, 0.3f);
        var checker = arange(16).remainder(2).view(1, 16).add(arange(16).remainder(2).view(16, 1)).remainder(2)
            .to_type(ScalarType.Float32).view(1, 1, 16, 16);
        var options = AugmentationOptions.Identity(16) with { Blur = ViewProbabilities.All(1.0), BlurSigma = (1.0, 1.5), BlurReferenceSize = 16 };
        var augmenter = new MultiViewAugmenter(options, 1, 0, 0, IdentityNormalizer(1));

        using var flatViews = augmenter.Make(flat, [0], 0);
        using var checkerViews = augmenter.Make(checker, [0], 0);

        Assert.True(MaxAbsDifference(flatViews.Global, flat) < 1e-6);
        Assert.True(checkerViews.Global.std().item<float>() < 0.2f * checker.std().item<float>());
        Assert.True(Math.Abs(checkerViews.Global.mean().item<float>() - 0.5f) < 0.02f);
    }

    [Fact]
    public void Brightness_only_scales_each_view_by_one_factor()
    {
        using var scope = NewDisposeScope();
        var flat = full(new long[] { 4, 1, 8, 8 }, 0.5f);
        var options = AugmentationOptions.Identity(8) with { JitterProbability = 1.0, Brightness = 0.4, Contrast = 0, Saturation = 0 };

        using var views = new MultiViewAugmenter(options, 1, 0, 0, IdentityNormalizer(1)).Make(flat, [0, 1, 2, 3], 0);

        var perImageMin = views.Global.amin([1, 2, 3]);
        var perImageMax = views.Global.amax([1, 2, 3]);
        Assert.True(BitIdentical(perImageMin, perImageMax), "a flat image stays flat");
        Assert.True(perImageMin.min().item<float>() >= 0.3f && perImageMax.max().item<float>() <= 0.7f);
        Assert.True(Values(perImageMin).Distinct().Count() > 1, "each sample draws its own factor");
    }

    [Fact]
    public void Contrast_only_leaves_a_flat_image_alone()
    {
        using var scope = NewDisposeScope();
        var flat = full(new long[] { 3, 3, 8, 8 }, 0.25f);
        var options = AugmentationOptions.Identity(8) with { JitterProbability = 1.0, Brightness = 0, Contrast = 0.9, Saturation = 0.9 };

        using var views = new MultiViewAugmenter(options, 1, 0, 0, IdentityNormalizer(3)).Make(flat, [0, 1, 2], 0);

        Assert.True(MaxAbsDifference(views.Global, flat) < 1e-6);
    }

    [Fact]
    public void Empty_batch_gives_empty_views()
    {
        using var scope = NewDisposeScope();

        using var views = Augmenter(AugmentationOptions.ForSmallImages(28), 1).Make(zeros(0, 1, 28, 28), [], 0);

        Assert.Equal([0L, 1, 28, 28], views.Global.shape);
        Assert.Equal([0L, 1, 13, 13], views.Local!.shape);
    }

    [Fact]
    public void Bad_inputs_are_explained()
    {
        using var scope = NewDisposeScope();
        var augmenter = Augmenter(AugmentationOptions.ForSmallImages(28), 1);

        Assert.Contains("[B, C, H, W]", Assert.Throws<ArgumentException>(() => augmenter.Make(zeros(1, 28, 28), [0], 0)).Message);
        Assert.Contains("float32", Assert.Throws<ArgumentException>(() => augmenter.Make(zeros(new long[] { 1, 1, 28, 28 }, ScalarType.Byte), [0], 0)).Message);
        Assert.Contains("2 sample ids for a batch of 1", Assert.Throws<ArgumentException>(() => augmenter.Make(zeros(1, 1, 28, 28), [0, 1], 0)).Message);
        Assert.Contains("3 channels", Assert.Throws<ArgumentException>(() => augmenter.Make(zeros(1, 3, 28, 28), [0], 0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Augmenter(AugmentationOptions.ForSmallImages(28), 1, globalViews: 0));
    }
}
