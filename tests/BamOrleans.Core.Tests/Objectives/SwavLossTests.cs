using BamOrleans.Core.Objectives.Swav;
using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objectives;

public sealed class SwavLossTests
{
    private const int Views = 4, Batch = 3, Prototypes = 5;

    private static (Tensor Scores, List<Tensor> Codes) Inputs(ulong seed, ScalarType dtype = ScalarType.Float64)
    {
        using var scope = NewDisposeScope();
        var scores = SwavInputs.Scores(Views * Batch, Prototypes, 8, seed, dtype);
        var codes = Enumerable.Range(0, 2)
            .Select(a => SwavMath.Codes(scores.narrow(0, a * Batch, Batch), 0.05, 3).MoveToOuterDisposeScope()).ToList();
        return (scores.MoveToOuterDisposeScope(), codes);
    }

    /// <summary>The codes are targets: like the official code, no gradient reaches them, even
    /// when the caller hands in tensors that require one.</summary>
    [Fact]
    public void Gradient_reaches_the_scores_and_not_the_codes()
    {
        using var scope = NewDisposeScope();
        var (scores, codes) = Inputs(seed: 4);
        scores.requires_grad_(true);
        codes.ForEach(c => c.requires_grad_(true));
        SwavMath.SwappedPredictionLoss(scores, codes, Views, 0.1).backward();

        Assert.NotNull(scores.grad);
        Assert.True(SwavInputs.Max(scores.grad!.abs()) > 0, "the scores got no gradient");
        Assert.All(codes, c => Assert.Null(c.grad));
    }

    /// <summary>Codes computed in another dtype (e.g. float64 on the leader) are converted: the
    /// loss stays in the scores' dtype and equals the loss with codes cast by hand.</summary>
    [Fact]
    public void Codes_in_another_dtype_are_converted_to_the_scores_dtype()
    {
        using var scope = NewDisposeScope();
        var (scores, codes) = Inputs(seed: 6);
        var scores32 = scores.to_type(ScalarType.Float32);
        var loss = SwavMath.SwappedPredictionLoss(scores32, codes, Views, 0.1);
        var byHand = SwavMath.SwappedPredictionLoss(scores32, codes.Select(c => c.to_type(ScalarType.Float32)).ToList(), Views, 0.1);
        Assert.Equal(ScalarType.Float32, loss.dtype);
        Assert.Equal(byHand.item<float>(), loss.item<float>());
    }

    /// <summary>A view never predicts its own code: with V = 2 and A = 1, only view 1 predicts
    /// view 0's code, so the loss is that single cross-entropy; scrambling view 0's own scores
    /// must not change it.</summary>
    [Fact]
    public void A_view_never_predicts_its_own_code()
    {
        using var scope = NewDisposeScope();
        var scores = SwavInputs.Scores(2 * Batch, Prototypes, 8, seed: 8);
        var code = SwavMath.Codes(scores.narrow(0, 0, Batch), 0.05, 3);
        var loss = SwavMath.SwappedPredictionLoss(scores, [code], 2, 0.1).item<double>();
        var scrambled = cat([SwavInputs.Scores(Batch, Prototypes, 8, seed: 99), scores.narrow(0, Batch, Batch)], 0);
        Assert.Equal(loss, SwavMath.SwappedPredictionLoss(scrambled, [code], 2, 0.1).item<double>(), 12);
        var changedOther = cat([scores.narrow(0, 0, Batch), SwavInputs.Scores(Batch, Prototypes, 8, seed: 99)], 0);
        Assert.NotEqual(loss, SwavMath.SwappedPredictionLoss(changedOther, [code], 2, 0.1).item<double>(), 6);
    }

    [Fact]
    public void Leaves_no_tensor_behind()
    {
        var (scores, codes) = Inputs(seed: 10);
        scores.requires_grad_(true);
        void Step()
        {
            using var loss = SwavMath.SwappedPredictionLoss(scores, codes, Views, 0.1);
            loss.backward();
        }
        Step(); // the first backward creates scores.grad
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Step();
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        scores.Dispose();
        codes.ForEach(c => c.Dispose());
    }

    public static TheoryData<string, Func<(Tensor, List<Tensor>)>, int, double, string> BadInputs() => new()
    {
        { "rows not V·B", () => Trimmed(Inputs(1)), Views, 0.1, "not a multiple of views = 4: pass V·B view-major rows" },
        { "one view", () => Inputs(1), 1, 0.1, "views must be ≥ 2: pass V = swav.globalViews + swav.localViews" },
        { "no codes", () => (Inputs(1).Scores, []), Views, 0.1, "pass one [B, K] tensor per assignment view" },
        { "too many codes", () => WithCodes(Inputs(1), 5), Views, 0.1, "1 ≤ A ≤ views = 4" },
        { "codes of the wrong batch", () => WrongBatch(Inputs(1)), Views, 0.1, "pass this slot's [3, 5] rows of view 1's codes" },
        { "integer codes", () => IntegerCodes(Inputs(1)), Views, 0.1, "pass the float tensor from SwavMath.Codes" },
        { "τ = 0", () => Inputs(1), Views, 0.0, "set swav.temperature > 0" },
        { "1-D scores", () => (zeros(12, dtype: ScalarType.Float64), Inputs(1).Codes), Views, 0.1, "must be a 2-D matrix" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_refused_with_the_fix(string what, Func<(Tensor, List<Tensor>)> inputs, int views, double temperature, string expected)
    {
        using var scope = NewDisposeScope();
        var (scores, codes) = inputs();
        var error = Assert.ThrowsAny<ArgumentException>(() => SwavMath.SwappedPredictionLoss(scores, codes, views, temperature));
        Assert.True(error.Message.Contains(expected), $"{what}: message \"{error.Message}\" lacks \"{expected}\"");
    }

    private static (Tensor, List<Tensor>) Trimmed((Tensor Scores, List<Tensor> Codes) i) => (i.Scores.narrow(0, 0, Views * Batch - 1), i.Codes);
    private static (Tensor, List<Tensor>) WithCodes((Tensor Scores, List<Tensor> Codes) i, int count) =>
        (i.Scores, Enumerable.Range(0, count).Select(_ => i.Codes[0]).ToList());
    private static (Tensor, List<Tensor>) WrongBatch((Tensor Scores, List<Tensor> Codes) i) => (i.Scores, [i.Codes[0], i.Codes[1].narrow(0, 0, Batch - 1)]);
    private static (Tensor, List<Tensor>) IntegerCodes((Tensor Scores, List<Tensor> Codes) i) => (i.Scores, [i.Codes[0].to_type(ScalarType.Int64)]);
}
