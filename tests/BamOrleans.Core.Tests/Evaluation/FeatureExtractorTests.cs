using BamOrleans.Core.Data;
using BamOrleans.Core.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Evaluation;

public sealed class FeatureExtractorTests
{
    private static readonly ImageShape Shape = new(2, 3, 3);
    private static readonly PixelNormalizer Normalizer = new([0.5f, 0.25f], [0.2f, 0.4f]);

    /// <summary>10 images of 2×3×3 with deterministic, distinct bytes and labels 0..2.</summary>
    private static InMemoryImageDataset Dataset(bool labelled = true, int count = 10)
    {
        var pixels = new byte[count * Shape.PixelCount];
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = (byte)((i * 37 + 11) % 256);
        var labels = labelled ? Enumerable.Range(0, count).Select(i => i % 3).ToArray() : null;
        return new InMemoryImageDataset("tiny", Shape, pixels, labels, labelled ? 3 : 0);
    }

    /// <summary>A fixed linear map 18 → 5, the encoder stand-in.</summary>
    private static Tensor Projection() =>
        arange(18 * 5, ScalarType.Float32).remainder(7).sub(3).div(7).reshape(18, 5);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]   // last batch partial
    [InlineData(10)]
    [InlineData(64)]  // larger than the set
    public void Batched_extraction_equals_encoding_the_whole_set_at_once(int batchSize)
    {
        using var scope = NewDisposeScope();
        var dataset = Dataset();
        var projection = Projection();
        Tensor Encode(Tensor x) => x.flatten(1).mm(projection);

        var features = FeatureExtractor.Extract(Encode, dataset, Normalizer, batchSize);

        var all = ImageBatchLoader.Load(dataset, Enumerable.Range(0, dataset.Count).ToArray());
        var expected = Encode(Normalizer.Apply(all));
        Assert.Equal(new long[] { 10, 5 }, features.shape);
        Assert.Equal(ScalarType.Float32, features.dtype);
        Assert.Equal(DeviceType.CPU, features.device_type);
        Assert.True(features.allclose(expected, rtol: 1e-6, atol: 1e-6), "batched features differ from whole-set features");
        // Row order is dataset order: row 4 is image 4 alone.
        var single = Encode(Normalizer.Apply(ImageBatchLoader.Load(dataset, [4])));
        Assert.True(features[4].allclose(single[0], rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void Keeps_only_the_output_and_builds_no_graph()
    {
        using var scope = NewDisposeScope();
        var projection = Projection().requires_grad_(true);
        var before = scope.DisposablesCount;

        var features = FeatureExtractor.Extract(x => x.flatten(1).mm(projection), Dataset(count: 25), Normalizer, batchSize: 4);

        Assert.Equal(before + 1, scope.DisposablesCount); // the features; every batch intermediate is gone
        Assert.False(features.requires_grad);
    }

    [Fact]
    public void Raw_pixels_are_the_normalized_flattened_images()
    {
        using var scope = NewDisposeScope();
        var dataset = Dataset();
        var image = new byte[Shape.PixelCount];
        dataset.CopyPixels(7, image);

        var features = FeatureExtractor.RawPixels(dataset, Normalizer);

        Assert.Equal(new long[] { 10, 18 }, features.shape);
        // Pixel 0 is channel 0, pixel 9 is channel 1 (CHW): each with its own mean and std.
        Assert.Equal((image[0] / 255f - 0.5f) / 0.2f, features[7, 0].item<float>(), 5);
        Assert.Equal((image[9] / 255f - 0.25f) / 0.4f, features[7, 9].item<float>(), 5);
    }

    [Fact]
    public void Labels_come_back_as_int64_in_dataset_order()
    {
        using var labels = FeatureExtractor.Labels(Dataset());

        Assert.Equal(ScalarType.Int64, labels.dtype);
        Assert.Equal(new long[] { 0, 1, 2, 0, 1, 2, 0, 1, 2, 0 }, labels.data<long>().ToArray());
    }

    [Fact]
    public void Unlabelled_dataset_gets_a_clear_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FeatureExtractor.Labels(Dataset(labelled: false)));

        Assert.StartsWith("k-NN/linear probe needs labels: the folder has no class sub-folders", error.Message);
        Assert.Contains("'tiny'", error.Message);
    }

    [Fact]
    public void Encoder_with_the_wrong_output_shape_is_reported()
    {
        using var scope = NewDisposeScope();

        var error = Assert.Throws<InvalidOperationException>(
            () => FeatureExtractor.Extract(x => x, Dataset(), Normalizer, batchSize: 4));

        Assert.Contains("[batch, D]", error.Message);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FeatureExtractor.Extract(x => x.flatten(1), Dataset(), Normalizer, 0));
        Assert.Throws<ArgumentException>(() => FeatureExtractor.Extract(x => x.flatten(1), Dataset(count: 0), Normalizer, 4));
    }
}
