using static TorchSharp.torch;

namespace BamOrleans.Core.Augmentation;

/// <summary>Per-sample parameters as tensors, and applying an operation to some samples of a batch.</summary>
internal static class PerSample
{
    /// <summary>An operation on a [n, C, H, W] subset whose samples have the given parameters; returns a new tensor.</summary>
    public delegate Tensor SubsetOperation(Tensor subset, ViewParameters[] views);

    /// <summary>[N, 1, 1, 1] values that broadcast over a [N, C, H, W] batch.</summary>
    public static Tensor Values(IReadOnlyList<ViewParameters> views, Func<ViewParameters, float> select, Device device)
    {
        var values = new float[views.Count];
        for (var i = 0; i < values.Length; i++)
            values[i] = select(views[i]);
        return tensor(values, [values.Length, 1, 1, 1], device: device);
    }

    /// <summary>
    /// Runs <paramref name="operation"/> on the samples <paramref name="pick"/> chooses and leaves the
    /// others untouched: gathers them, transforms them, scatters them back into a copy. Returns
    /// <paramref name="images"/> itself when no sample is chosen. Gather and scatter only copy, so a
    /// sample's result does not depend on which other samples were chosen with it.
    /// </summary>
    public static Tensor Apply(Tensor images, ReadOnlySpan<ViewParameters> views, Func<ViewParameters, bool> pick, SubsetOperation operation)
    {
        var picked = new List<long>();
        var pickedViews = new List<ViewParameters>();
        for (var i = 0; i < views.Length; i++)
            if (pick(views[i]))
            {
                picked.Add(i);
                pickedViews.Add(views[i]);
            }
        if (picked.Count == 0)
            return images;

        using var scope = NewDisposeScope();
        if (picked.Count == views.Length)
            return operation(images, pickedViews.ToArray()).MoveToOuterDisposeScope();
        var index = tensor(picked.ToArray(), device: images.device);
        var transformed = operation(images.index_select(0, index), pickedViews.ToArray());
        return images.clone().index_copy_(0, index, transformed).MoveToOuterDisposeScope();
    }
}
