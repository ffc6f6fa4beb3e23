using static TorchSharp.torch;

namespace BamOrleans.Core.Distributed;

/// <summary>
/// Step 2, aggregator → slot: everything a slot needs to compute its exact share of the global
/// loss — the global columns C (K × D) and the Sinkhorn column scales log v (K).
/// </summary>
/// <remarks>
/// <para><b>Why C + log v rather than dense target rows.</b> Every target row is
/// softmax_j(A_ij + log v_j) with A = S/ε, masked entries removed (see
/// <see cref="Objective.BalancedSinkhorn"/>), so the slot re-derives its G·B target rows from its
/// own rows and C with <see cref="Objective.BalancedSinkhorn.TargetsFromLogColumnScales"/>. The
/// slot needs C anyway — its predictions log_softmax(z_w·Cᵀ/τ) and dL_w/dC are over all K
/// columns — so the targets cost K extra numbers instead of G·B·K (dense rows would be G·B/(D+1)
/// times C's size again: twice it at B = 128, G = 2, D = 128). Top-k is applied on the slot: it
/// picks columns per image from that image's own target rows, which the slot has.</para>
/// <para><b>Why no global max.</b> The max subtracted before the Sinkhorn rounds is one constant
/// for all entries and cancels in the final row normalisation; the slot's softmax subtracts each
/// row's own max instead, which is the numerically safer shift. So the payload carries none.</para>
/// <para>ε travels with the payload so the slot uses exactly the ε the scales were computed with.
/// The tensors are detached and may share storage with the other slots' payloads of the same
/// step: read them, never modify them in place. Owns its handles; dispose it.</para>
/// </remarks>
public sealed class SlotTargets : IDisposable
{
    /// <summary>Wraps received tensors (e.g. after deserialisation); takes ownership of them.
    /// <see cref="TargetAggregation.Scatter"/> is the way to make them in the first place.</summary>
    public SlotTargets(SlotStepId id, SlotLayout layout, double epsilon, bool columnsTakeGradient, Tensor columns, Tensor logColumnScales)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (id.Slot < 0 || id.Slot >= layout.Slots)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"The slot must be in [0, {layout.Slots - 1}] for a step of W = {layout.Slots} slots.");
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive and finite: pass the ε the scales were computed with.");
        ArgumentNullException.ThrowIfNull(columns);
        ProtocolGuards.RequireMatrix(columns, layout.Columns, columns.dim() == 2 ? columns.shape[1] : 0, nameof(columns),
            "pass the K = T·B·W global columns, one normalised row each.");
        ArgumentNullException.ThrowIfNull(logColumnScales);
        if (logColumnScales.dim() != 1 || logColumnScales.shape[0] != layout.Columns)
            throw new ArgumentException(
                $"logColumnScales has shape {ProtocolGuards.Shape(logColumnScales)} but must be [{layout.Columns}]: one value per column.", nameof(logColumnScales));
        ProtocolGuards.RequireSameKind(columns, logColumnScales, nameof(columns), nameof(logColumnScales));
        Id = id;
        Layout = layout;
        Epsilon = epsilon;
        ColumnsTakeGradient = columnsTakeGradient;
        Columns = columns;
        LogColumnScales = logColumnScales;
    }

    public SlotStepId Id { get; }

    /// <summary>The step's geometry (W, B, V, G, T) as the aggregator saw it.</summary>
    public SlotLayout Layout { get; }

    /// <summary>The ε of this step's Sinkhorn.</summary>
    public double Epsilon { get; }

    /// <summary>True without an EMA teacher: the columns are student rows, so the slot must return
    /// dL_w/dC. False with a teacher: the columns are the teacher's and get no gradient.</summary>
    public bool ColumnsTakeGradient { get; }

    /// <summary>C, K × D normalised rows: column t·(B·W) + w·B + b is view t of image w·B + b.</summary>
    public Tensor Columns { get; }

    /// <summary>log v, K values (up to an additive constant, which cancels).</summary>
    public Tensor LogColumnScales { get; }

    /// <summary>Bytes of tensor data: (K·D + K) elements. The header (step, slot, layout, ε, flag)
    /// adds a few dozen bytes, not counted.</summary>
    public long PayloadBytes => ProtocolGuards.PayloadBytes(Columns) + ProtocolGuards.PayloadBytes(LogColumnScales);

    public void Dispose()
    {
        Columns.Dispose();
        LogColumnScales.Dispose();
    }
}
