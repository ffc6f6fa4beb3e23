using BamOrleans.Core.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Evaluation;

/// <summary>
/// Turns a dataset into a frozen feature matrix [N, D] for the k-NN and the linear probe.
/// </summary>
/// <remarks>
/// Memory: the output is allocated once, when the first batch reveals D, and every batch is
/// copied into its rows; each batch's intermediates (pixels, normalized pixels, encoder
/// activations) live in a dispose scope of their own and are freed before the next batch is
/// loaded. So peak memory is the output plus one batch, whatever N is — collecting the batches in
/// a list and concatenating them would briefly hold the features twice.
/// </remarks>
public static class FeatureExtractor
{
    /// <summary>Batch size <see cref="RawPixels"/> uses; flattening is cheap, so only memory bounds it.</summary>
    public const int RawPixelBatchSize = 1024;

    /// <summary>
    /// Encodes every image of <paramref name="dataset"/>, in order, with gradients off.
    /// </summary>
    /// <param name="encode">Maps a normalized batch [B, C, H, W] to features [B, D]. The caller puts
    /// the encoder in eval mode first (BatchNorm/Dropout would otherwise make features depend on
    /// the batch) and on <paramref name="device"/>.</param>
    /// <param name="dataset">Images to encode; labels, if any, are not read (see <see cref="Labels"/>).</param>
    /// <param name="normalizer">The same pixel normalization the encoder was trained with.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="device">Where the batches are sent; null for CPU.</param>
    /// <returns>Float32 features [N, D] on the CPU, row i belonging to image i.</returns>
    public static Tensor Extract(
        Func<Tensor, Tensor> encode, IImageDataset dataset, PixelNormalizer normalizer, int batchSize, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(encode);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(normalizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var count = dataset.Count;
        if (count == 0)
            throw new ArgumentException($"Dataset '{dataset.Name}' has no images to extract features from.", nameof(dataset));

        // Features are constants for the evaluation: no autograd graph, no activations kept for backward.
        using var noGrad = no_grad();
        Tensor? output = null;
        try
        {
            var indices = new int[batchSize];
            for (var start = 0; start < count; start += batchSize)
            {
                var size = Math.Min(batchSize, count - start);
                for (var i = 0; i < size; i++)
                    indices[i] = start + i;

                using var scope = NewDisposeScope();
                var images = ImageBatchLoader.Load(dataset, indices.AsSpan(0, size), device);
                var features = encode(normalizer.Apply(images));
                if (features.dim() != 2 || features.shape[0] != size)
                    throw new InvalidOperationException(
                        $"The encoder must return [batch, D] features; for a batch of {size} it returned [{string.Join(", ", features.shape)}].");

                // Created inside the first batch's scope but moved out at once, to the caller's scope if
                // there is one: it must outlive every batch, and it is the only tensor this method keeps.
                output ??= zeros(count, features.shape[1], ScalarType.Float32).MoveToOuterDisposeScope();
                if (features.shape[1] != output.shape[1])
                    throw new InvalidOperationException(
                        $"The encoder returned {features.shape[1]} features for batch at {start} but {output.shape[1]} before.");
                // copy_ converts dtype and device as it writes into the CPU float32 rows.
                output.narrow(0, start, size).copy_(features);
            }
            return output!;
        }
        catch
        {
            output?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The raw-pixel baseline: each image's normalized pixels, flattened, as its feature vector
    /// [N, C·H·W]. What an encoder must beat to have learnt anything.
    /// </summary>
    public static Tensor RawPixels(IImageDataset dataset, PixelNormalizer normalizer) =>
        Extract(static batch => batch.flatten(1), dataset, normalizer, RawPixelBatchSize);

    /// <summary>Labels of every image, int64 [N], in dataset order.</summary>
    /// <exception cref="InvalidOperationException">The dataset is unlabelled, or a label is out of range.</exception>
    public static Tensor Labels(IImageDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.ClassCount == 0)
            throw new InvalidOperationException(
                $"k-NN/linear probe needs labels: the folder has no class sub-folders (dataset '{dataset.Name}' is unlabelled). " +
                "Arrange evaluation images as <root>/<class>/<image>, or use a labelled source such as an idx label file.");
        var labels = new long[dataset.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            var label = dataset.Label(i);
            if (label < 0 || label >= dataset.ClassCount)
                throw new InvalidOperationException(
                    $"k-NN/linear probe needs labels: image {i} of '{dataset.Name}' has label {label}, " +
                    $"outside 0..{dataset.ClassCount - 1}.");
            labels[i] = label;
        }
        return tensor(labels);
    }
}
