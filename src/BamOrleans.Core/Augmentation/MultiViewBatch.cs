using static TorchSharp.torch;

namespace BamOrleans.Core.Augmentation;

/// <summary>
/// The views of one batch, view-major: row v·B + b of <see cref="Global"/> is global view v of
/// image b (likewise <see cref="Local"/>). Owns its tensors and disposes them.
/// </summary>
public sealed class MultiViewBatch : IDisposable
{
    public MultiViewBatch(Tensor global, Tensor? local, int batchSize, int globalViews, int localViews)
    {
        ArgumentNullException.ThrowIfNull(global);
        if (global.shape[0] != (long)globalViews * batchSize)
            throw new ArgumentException($"Global views have {global.shape[0]} rows, expected {globalViews} × {batchSize}.", nameof(global));
        if ((local?.shape[0] ?? 0) != (long)localViews * batchSize || (local is null && localViews > 0))
            throw new ArgumentException($"Local views have {local?.shape[0] ?? 0} rows, expected {localViews} × {batchSize}.", nameof(local));
        Global = global;
        Local = local;
        BatchSize = batchSize;
        GlobalViews = globalViews;
        LocalViews = localViews;
    }

    /// <summary>[GlobalViews·B, C, GlobalSize, GlobalSize], normalised.</summary>
    public Tensor Global { get; }

    /// <summary>[LocalViews·B, C, LocalSize, LocalSize], normalised; null when there are no local views.</summary>
    public Tensor? Local { get; }

    public int BatchSize { get; }
    public int GlobalViews { get; }
    public int LocalViews { get; }

    /// <summary>Global view <paramref name="view"/> of every image, [B, C, S, S]: a view of
    /// <see cref="Global"/>'s storage; the caller disposes the returned handle.</summary>
    public Tensor GlobalView(int view)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(view);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(view, GlobalViews);
        return Global.narrow(0, (long)view * BatchSize, BatchSize);
    }

    /// <summary>Local view <paramref name="view"/> of every image, [B, C, s, s]; the caller disposes the handle.</summary>
    public Tensor LocalView(int view)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(view);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(view, LocalViews);
        return Local!.narrow(0, (long)view * BatchSize, BatchSize);
    }

    public void Dispose()
    {
        Global.Dispose();
        Local?.Dispose();
    }
}
