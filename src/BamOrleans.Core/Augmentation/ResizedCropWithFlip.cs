using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Augmentation;

/// <summary>
/// Random resized crop and horizontal flip of a whole batch in one bilinear grid_sample
/// (align_corners = false, border padding): every sample's crop box and flip become an axis-aligned
/// affine map from output to input coordinates.
/// </summary>
/// <remarks>
/// The sampling grid is built with elementwise ops (x_in = a·x_out + b) rather than affine_grid,
/// whose batched matrix multiply may pick a different BLAS kernel for a different batch size;
/// elementwise ops give every sample bit-identical coordinates whatever batch it travels in.
/// Like torchvision without antialiasing, strong downscaling may alias; crops here are mostly
/// upscaled or mildly downscaled.
/// </remarks>
internal static class ResizedCropWithFlip
{
    /// <param name="images">[B, C, H, W] float.</param>
    /// <param name="views">One crop per image, in batch order.</param>
    /// <param name="size">Side of the square output.</param>
    /// <returns>[B, C, size, size].</returns>
    public static Tensor Apply(Tensor images, IReadOnlyList<ViewParameters> views, int size)
    {
        using var scope = NewDisposeScope();
        var device = images.device;
        double height = images.shape[2], width = images.shape[3];

        // Normalised coordinates: −1 and 1 are the outer edges of the image (align_corners = false),
        // so the box [left, left + w] maps to centre (2·left + w)/W − 1 and half-extent w/W.
        var scaleX = PerSample.Values(views, v => (float)((v.Flip ? -1.0 : 1.0) * v.CropWidth / width), device).view(-1, 1, 1);
        var offsetX = PerSample.Values(views, v => (float)((2 * v.CropLeft + v.CropWidth) / width - 1.0), device).view(-1, 1, 1);
        var scaleY = PerSample.Values(views, v => (float)(v.CropHeight / height), device).view(-1, 1, 1);
        var offsetY = PerSample.Values(views, v => (float)((2 * v.CropTop + v.CropHeight) / height - 1.0), device).view(-1, 1, 1);

        var centres = PixelCentres(size, device);
        var gridX = centres.view(1, 1, size).mul(scaleX).add_(offsetX).expand(views.Count, size, size);
        var gridY = centres.view(1, size, 1).mul(scaleY).add_(offsetY).expand(views.Count, size, size);
        var grid = stack([gridX, gridY], dim: 3);

        return nn.functional.grid_sample(images, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false)
            .MoveToOuterDisposeScope();
    }

    /// <summary>Normalised centres of <paramref name="size"/> output pixels, (2j + 1 − size)/size:
    /// an exact integer over size, so centre j and centre size−1−j are exact negatives (flips are exact).</summary>
    private static Tensor PixelCentres(int size, Device device)
    {
        var centres = new float[size];
        for (var j = 0; j < size; j++)
            centres[j] = (float)((2.0 * j + 1 - size) / size);
        return tensor(centres, device: device);
    }
}
