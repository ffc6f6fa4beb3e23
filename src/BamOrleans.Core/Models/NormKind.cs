namespace BamOrleans.Core.Models;

/// <summary>Normalization used inside the backbone and the projector.</summary>
public enum NormKind
{
    /// <summary>
    /// GroupNorm in the backbone, LayerNorm in the projector. Both normalise each sample on its
    /// own, so a sample's output does not depend on which other samples share its batch. The
    /// distributed trainer relies on that: W slots each running B images must give the same
    /// result as one process running the concatenated W·B batch.
    /// </summary>
    Group,

    /// <summary>
    /// BatchNorm2d in the backbone, BatchNorm1d in the projector, as in the published recipes.
    /// Statistics couple the samples of a batch, which breaks the slot/one-process equivalence.
    /// </summary>
    Batch,
}
