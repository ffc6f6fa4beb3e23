using BamOrleans.Core.Objectives.Swav;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objectives;

public sealed class SwavQueueTests
{
    private const int Views = 2, Batch = 2, Dim = 3;

    /// <summary>A step's rows: every entry of view a, row b is step·100 + a·10 + b, so the
    /// returned rows tell which step, view and row they came from.</summary>
    private static List<Tensor> StepRows(long step, double offset = 0) =>
        Enumerable.Range(0, Views).Select(a => arange(Batch, dtype: ScalarType.Float64)
            .add(step * 100 + a * 10 + offset).unsqueeze(1).expand(Batch, Dim).contiguous()).ToList();

    /// <summary>The tags (first column) of the rows, in order.</summary>
    private static double[] Tags(Tensor? rows)
    {
        Assert.NotNull(rows);
        return rows!.select(1, 0).data<double>().ToArray();
    }

    [Fact]
    public void Is_not_full_until_it_holds_Q_rows_per_view()
    {
        using var scope = NewDisposeScope();
        using var queue = new SwavQueue(Views, length: 5, Dim);
        for (var step = 1; step <= 2; step++)
        {
            queue.Push(step, StepRows(step));
            Assert.False(queue.IsFull, $"full after {step * Batch} rows of 5");
            Assert.Null(queue.Rows(0));
        }
        queue.Push(3, StepRows(3));
        Assert.True(queue.IsFull);
        Assert.Equal([5L, Dim], queue.Rows(1)!.shape);
    }

    /// <summary>Newest first, oldest dropped beyond Q rows, each view its own rows: the layout of
    /// the official queue (new batch written on top, old rows shifted down).</summary>
    [Fact]
    public void Keeps_the_newest_Q_rows_of_each_view_newest_first()
    {
        using var scope = NewDisposeScope();
        using var queue = new SwavQueue(Views, length: 4, Dim);
        for (var step = 1; step <= 5; step++)
            queue.Push(step, StepRows(step));

        Assert.Equal([500, 501, 400, 401], Tags(queue.Rows(0)));
        Assert.Equal([510, 511, 410, 411], Tags(queue.Rows(1)));
        Assert.Equal(5, queue.NewestStep);
    }

    /// <summary>When Q is not a multiple of the batch, the oldest batch is cut, not skipped.</summary>
    [Fact]
    public void Cuts_the_oldest_batch_when_Q_is_not_a_multiple_of_the_batch()
    {
        using var scope = NewDisposeScope();
        using var queue = new SwavQueue(Views, length: 3, Dim);
        for (var step = 1; step <= 4; step++)
            queue.Push(step, StepRows(step));
        Assert.Equal([400, 401, 300], Tags(queue.Rows(0)));
    }

    [Fact]
    public void A_retried_step_replaces_itself_and_later_steps()
    {
        using var scope = NewDisposeScope();
        using var queue = new SwavQueue(Views, length: 4, Dim);
        for (var step = 1; step <= 3; step++)
            queue.Push(step, StepRows(step));

        queue.Push(3, StepRows(3, offset: 0.5)); // step 3 retried with new embeddings
        Assert.Equal([300.5, 301.5, 200, 201], Tags(queue.Rows(0)));

        queue.Push(2, StepRows(2, offset: 0.25)); // back to step 2: step 3 goes too
        Assert.Equal(2, queue.NewestStep);
        Assert.Equal([200.25, 201.25, 100, 101], Tags(queue.Rows(0)));
    }

    /// <summary>A step reads the queue before pushing its own rows. If it is retried after its
    /// first attempt pushed, <c>Rows(view, step)</c> still gives it exactly what the first
    /// attempt read, so the retry computes the same codes.</summary>
    [Fact]
    public void A_retried_step_reads_the_rows_its_first_attempt_read()
    {
        using var scope = NewDisposeScope();
        using var queue = new SwavQueue(Views, length: 4, Dim);
        for (var step = 1; step <= 4; step++)
            queue.Push(step, StepRows(step));

        var firstAttempt = Tags(queue.Rows(1, beforeStep: 5));
        queue.Push(5, StepRows(5)); // the attempt pushed, then failed
        Assert.Equal([510, 511, 410, 411], Tags(queue.Rows(1)));
        Assert.Equal(firstAttempt, Tags(queue.Rows(1, beforeStep: 5)));
        Assert.Equal([410, 411, 310, 311], firstAttempt);
    }

    /// <summary>The queue owns copies: the caller's tensors may change or be disposed (e.g. by
    /// its dispose scope) after the push without touching the stored rows.</summary>
    [Fact]
    public void Stores_copies_that_outlive_the_callers_scope()
    {
        using var queue = new SwavQueue(Views, length: 2, Dim);
        using (NewDisposeScope())
        {
            var rows = StepRows(7);
            queue.Push(7, rows);
            rows[0].fill_(-1);
        }
        using var scope = NewDisposeScope();
        Assert.Equal([700, 701], Tags(queue.Rows(0)));
    }

    [Fact]
    public void Keeps_a_bounded_number_of_tensors_and_frees_them_all_on_dispose()
    {
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var queue = new SwavQueue(Views, length: 4, Dim);
        void Push(long step)
        {
            using var scope = NewDisposeScope();
            queue.Push(step, StepRows(step));
        }
        for (var step = 0; step < 10; step++)
            Push(step);
        var steady = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Assert.True(steady > live, "the stored copies should be counted as live tensors");
        for (var step = 10; step < 30; step++)
            Push(step);
        Assert.Equal(steady, DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        queue.Dispose();
        queue.Dispose(); // twice is harmless
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Throws<ObjectDisposedException>(() => queue.Rows(0));
        Assert.Throws<ObjectDisposedException>(() => queue.Push(31, []));
    }

    [Fact]
    public void Clear_empties_it()
    {
        using var scope = NewDisposeScope();
        using var queue = new SwavQueue(Views, length: 2, Dim);
        queue.Push(1, StepRows(1));
        Assert.True(queue.IsFull);
        queue.Clear();
        Assert.False(queue.IsFull);
        Assert.Null(queue.NewestStep);
        Assert.Null(queue.Rows(0));
    }

    public static TheoryData<string, Func<List<Tensor>>, string> BadPushes() => new()
    {
        { "one view", () => StepRows(1).Take(1).ToList(), "pass one [B_global, 3] tensor per assignment view (2)" },
        { "wrong D", () => StepRows(1).Select(t => t.narrow(1, 0, 2)).ToList(), "pass the [B_global, 3] embeddings of assignment view 0" },
        { "uneven views", () => [StepRows(1)[0], StepRows(1)[1].narrow(0, 0, 1)], "every assignment view holds the same global batch" },
        { "integer", () => StepRows(1).Select(t => t.to_type(ScalarType.Int64)).ToList(), "push the embeddings in one floating dtype" },
    };

    [Theory]
    [MemberData(nameof(BadPushes))]
    public void Bad_pushes_are_refused_with_the_fix_and_change_nothing(string what, Func<List<Tensor>> rows, string expected)
    {
        using var scope = NewDisposeScope();
        using var queue = new SwavQueue(Views, length: 2, Dim);
        queue.Push(1, StepRows(1));
        var error = Assert.ThrowsAny<ArgumentException>(() => queue.Push(1, rows()));
        Assert.True(error.Message.Contains(expected), $"{what}: message \"{error.Message}\" lacks \"{expected}\"");
        Assert.Equal([100, 101], Tags(queue.Rows(0)));
    }

    [Fact]
    public void A_queue_of_no_rows_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SwavQueue(Views, length: 0, Dim));
        Assert.Contains("create no queue when it is 0", error.Message);
    }
}
