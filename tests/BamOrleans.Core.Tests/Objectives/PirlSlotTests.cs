using BamOrleans.Core.Objectives.Pirl;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objectives;

/// <summary>
/// The distributed form: W slots each compute <see cref="PirlMath.Loss"/> on their own B/W images
/// with the step's shared negatives; the global loss is the mean of the slot losses and the
/// gradients are averaged (as DDP's all-reduce does). Both must equal one slot on the whole batch.
/// </summary>
public sealed class PirlSlotTests
{
    private const int Batch = 16, Width = 12, InputWidth = 5, NegativeCount = 40;

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Mean_of_slot_losses_and_averaged_gradients_equal_the_whole_batch(int slots)
    {
        using var scope = NewDisposeScope();
        var options = new PirlOptions { Negatives = NegativeCount, Lambda = 0.3, Temperature = 0.1 };
        var generator = new Generator(7);
        // A shared linear projector stands in for the encoder, so the parameter gradient — what
        // the slots actually all-reduce — is checked as well as the embedding gradients.
        var projector = randn([InputWidth, Width], dtype: ScalarType.Float64, generator: generator);
        var x0 = randn([Batch, InputWidth], dtype: ScalarType.Float64, generator: generator);
        var x1 = x0.add(randn([Batch, InputWidth], dtype: ScalarType.Float64, generator: generator).mul(0.5));
        var memory = nn.functional.normalize(randn([Batch, Width], dtype: ScalarType.Float64, generator: generator), dim: 1);
        var negatives = nn.functional.normalize(randn([NegativeCount, Width], dtype: ScalarType.Float64, generator: generator), dim: 1);

        var (wholeLoss, wholeGradF, wholeGradG, wholeGradP) = Run(x0, x1, memory, negatives, projector, options);

        var per = Batch / slots;
        var slotLosses = new List<double>();
        var slotGradsF = new List<Tensor>();
        var slotGradsG = new List<Tensor>();
        var sumGradP = zeros_like(projector);
        for (var w = 0; w < slots; w++)
        {
            var (loss, gradF, gradG, gradP) = Run(x0.narrow(0, w * per, per), x1.narrow(0, w * per, per),
                memory.narrow(0, w * per, per), negatives, projector, options);
            slotLosses.Add(loss);
            slotGradsF.Add(gradF);
            slotGradsG.Add(gradG);
            sumGradP.add_(gradP);
        }

        Assert.Equal(wholeLoss, slotLosses.Average(), 12);
        // d(mean of slot losses)/d(row of slot w) = (1/W)·d(slot loss)/d(row).
        AssertClose(wholeGradF, cat(slotGradsF, 0).div(slots));
        AssertClose(wholeGradG, cat(slotGradsG, 0).div(slots));
        AssertClose(wholeGradP, sumGradP.div(slots));
    }

    private static (double Loss, Tensor GradF, Tensor GradG, Tensor GradP) Run(
        Tensor x0, Tensor x1, Tensor memory, Tensor negatives, Tensor projector, PirlOptions options)
    {
        var p = projector.clone().requires_grad_(true);
        var f = x0.mm(p);
        var g = x1.mm(p);
        f.retain_grad();
        g.retain_grad();
        var loss = PirlMath.Loss(f, g, memory, negatives, options);
        loss.backward();
        return (loss.item<double>(), f.grad!.detach().clone(), g.grad!.detach().clone(), p.grad!.detach().clone());
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        var scale = expected.abs().max().item<double>();
        Assert.True(scale > 0, "the reference gradient is zero, so the comparison would prove nothing");
        var error = expected.sub(actual).abs().max().item<double>() / scale;
        Assert.True(error < 1e-12, $"relative gradient difference {error:e3}");
    }
}
