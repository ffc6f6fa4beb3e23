using static TorchSharp.torch;

namespace BamOrleans.Core.Objectives.Swav;

/// <summary>
/// The queue of past embeddings of the SwAV assignment views, held by the leader. Each step's
/// global-batch rows are pushed per assignment view; the newest Q rows (newest first, as the
/// official queue shifts old rows down and writes the new batch on top) are prepended to the
/// scores before <see cref="SwavMath.Codes"/>, scored against the current prototypes.
/// </summary>
/// <remarks>
/// Entries are tagged with their step so that a retried step replaces itself instead of
/// appearing twice. One extra entry beyond the newest Q rows is kept so that
/// <see cref="Rows(int, long)"/> can still give a retried step the same rows its first attempt
/// saw, after that attempt already pushed. The stored tensors are detached copies owned by the
/// queue (outside any dispose scope) and freed by <see cref="Clear"/> or <see cref="Dispose"/>;
/// the tensors returned by <c>Rows</c> are new ones owned by the caller.
/// Not thread-safe: the leader calls it from one step at a time.
/// </remarks>
public sealed class SwavQueue : IDisposable
{
    private readonly List<Entry> _entries = []; // newest first
    private bool _disposed;

    /// <param name="assignViews">A, the assignment views (swav.globalViews).</param>
    /// <param name="length">Q, rows kept per assignment view (swav.queueLength).</param>
    /// <param name="dim">D, the embedding size.</param>
    public SwavQueue(int assignViews, int length, int dim)
    {
        SwavChecks.RequireAtLeast(assignViews, 1, nameof(assignViews), "pass the number of assignment views (swav.globalViews).");
        SwavChecks.RequireAtLeast(length, 1, nameof(length), "pass swav.queueLength > 0, or create no queue when it is 0.");
        SwavChecks.RequireAtLeast(dim, 1, nameof(dim), "pass the embedding size D.");
        AssignViews = assignViews;
        Length = length;
        Dim = dim;
    }

    public int AssignViews { get; }

    /// <summary>Q, the rows per view that <see cref="Rows(int)"/> returns once full.</summary>
    public int Length { get; }

    public int Dim { get; }

    /// <summary>True once at least <see cref="Length"/> rows per view are stored.</summary>
    public bool IsFull => StoredRows(_entries.Count) >= Length;

    /// <summary>The step of the newest entry, or null when empty.</summary>
    public long? NewestStep => _entries.Count == 0 ? null : _entries[0].Step;

    /// <summary>
    /// Stores a detached copy of each assignment view's global-batch rows, tagged with
    /// <paramref name="step"/>. A step ≤ the newest stored one first drops the stored entries of
    /// that step and later (a retried step replaces itself). Entries no longer needed are freed.
    /// </summary>
    /// <param name="step">The training step these rows come from.</param>
    /// <param name="rowsPerView">A tensors [B_global, D], view a's embeddings of the global batch.</param>
    public void Push(long step, IReadOnlyList<Tensor> rowsPerView)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckRows(rowsPerView);
        DropFrom(step);
        var copies = new Tensor[AssignViews];
        using (no_grad())
        {
            for (var a = 0; a < AssignViews; a++)
                copies[a] = rowsPerView[a].detach().clone().DetachFromDisposeScope();
        }
        _entries.Insert(0, new Entry(step, copies));
        Trim();
    }

    /// <summary>The newest <see cref="Length"/> rows of assignment view <paramref name="view"/>,
    /// newest first, [Q, D]; null when the queue is not full yet.</summary>
    public Tensor? Rows(int view) => RowsOf(view, _entries);

    /// <summary>
    /// The newest <see cref="Length"/> rows stored from steps before <paramref name="beforeStep"/>,
    /// newest first, [Q, D]; null when fewer are stored. This is what step
    /// <paramref name="beforeStep"/> uses, also when it is retried after its first attempt pushed.
    /// </summary>
    public Tensor? Rows(int view, long beforeStep) => RowsOf(view, _entries.Where(e => e.Step < beforeStep).ToList());

    /// <summary>Frees every stored row (e.g. when the run restarts from a checkpoint without one).</summary>
    public void Clear()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var entry in _entries)
            entry.Dispose();
        _entries.Clear();
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        Clear();
        _disposed = true;
    }

    private Tensor? RowsOf(int view, IReadOnlyList<Entry> entries)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (view < 0 || view >= AssignViews)
            throw new ArgumentOutOfRangeException(nameof(view), view, $"view must be an assignment view, 0 ≤ view < {AssignViews}.");
        if (entries.Sum(e => e.Rows[view].shape[0]) < Length)
            return null;
        using var scope = NewDisposeScope();
        return cat(entries.Select(e => e.Rows[view]).ToList(), 0).narrow(0, 0, Length).MoveToOuterDisposeScope();
    }

    /// <summary>Drops the entries of <paramref name="step"/> and later ones.</summary>
    private void DropFrom(long step)
    {
        while (_entries.Count > 0 && _entries[0].Step >= step)
        {
            _entries[0].Dispose();
            _entries.RemoveAt(0);
        }
    }

    /// <summary>
    /// Frees the oldest entries while the entries older than the newest one still hold Q rows:
    /// what remains serves both <see cref="Rows(int)"/> and a retry of the newest step.
    /// </summary>
    private void Trim()
    {
        while (_entries.Count > 2 && StoredRows(_entries.Count - 1) - StoredRows(1) >= Length)
        {
            _entries[^1].Dispose();
            _entries.RemoveAt(_entries.Count - 1);
        }
    }

    /// <summary>Rows per view in the newest <paramref name="count"/> entries.</summary>
    private long StoredRows(int count) => _entries.Take(count).Sum(e => e.Rows[0].shape[0]);

    private void CheckRows(IReadOnlyList<Tensor> rowsPerView)
    {
        ArgumentNullException.ThrowIfNull(rowsPerView);
        if (rowsPerView.Count != AssignViews)
            throw new ArgumentException(
                $"rowsPerView has {rowsPerView.Count} entries: pass one [B_global, {Dim}] tensor per assignment view ({AssignViews}).", nameof(rowsPerView));
        var stored = _entries.Count > 0 ? _entries[0].Rows[0] : null;
        for (var a = 0; a < AssignViews; a++)
        {
            var rows = rowsPerView[a] ?? throw new ArgumentNullException(nameof(rowsPerView), $"rowsPerView[{a}] is null: pass view {a}'s embeddings.");
            if (rows.dim() != 2 || rows.shape[0] < 1 || rows.shape[1] != Dim)
                throw new ArgumentException(
                    $"rowsPerView[{a}] has shape {SwavChecks.Shape(rows)}: pass the [B_global, {Dim}] embeddings of assignment view {a}.", nameof(rowsPerView));
            if (rows.shape[0] != rowsPerView[0].shape[0])
                throw new ArgumentException(
                    $"rowsPerView[{a}] has {rows.shape[0]} rows but view 0 has {rowsPerView[0].shape[0]}: every assignment view holds the same global batch.", nameof(rowsPerView));
            if (!rows.is_floating_point() || (stored is not null && rows.dtype != stored.dtype))
                throw new ArgumentException(
                    $"rowsPerView[{a}] has dtype {rows.dtype}{(stored is null ? "" : $" but the queue holds {stored.dtype}")}: push the embeddings in one floating dtype (Clear the queue to change it).",
                    nameof(rowsPerView));
        }
    }

    private sealed record Entry(long Step, Tensor[] Rows) : IDisposable
    {
        public void Dispose()
        {
            foreach (var rows in Rows)
                rows.Dispose();
        }
    }
}
