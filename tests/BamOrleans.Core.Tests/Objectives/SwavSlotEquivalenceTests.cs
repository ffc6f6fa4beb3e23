using BamOrleans.Core.Objectives.Swav;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests.Objectives;

/// <summary>
/// The property the distributed system relies on: the leader computes the codes once on the
/// global batch (queue rows first), each of W slots computes <see cref="SwavMath.SwappedPredictionLoss"/>
/// over its own B images with its rows of those codes, and the mean of the slots' losses and
/// gradients equals the single-slot result on the concatenated batch of W·B images.
/// </summary>
public sealed class SwavSlotEquivalenceTests(ITestOutputHelper output)
{
    private const int GlobalViews = 2, LocalViews = 2, Views = GlobalViews + LocalViews, Prototypes = 10, Dim = 8;
    private const double Epsilon = 0.05, Temperature = 0.1;

    [Theory]
    [InlineData(2, 4, 0)]
    [InlineData(4, 2, 0)]
    [InlineData(2, 3, 12)]
    [InlineData(4, 2, 16)]
    public void Mean_of_slot_losses_and_gradients_equals_the_single_slot_result(int slots, int batch, int queueLength)
    {
        using var scope = NewDisposeScope();
        var images = slots * batch;
        // Global batch, view-major over all W·B images: row v·W·B + w·B + b.
        var z = SwavInputs.UnitRows(Views * images, Dim, seed: 21);
        var prototypes = SwavInputs.UnitRows(Prototypes, Dim, seed: 22);
        var queue = queueLength > 0 ? SwavInputs.UnitRows(GlobalViews * queueLength, Dim, seed: 23).view(GlobalViews, queueLength, Dim) : null;

        // Single slot: everything on the concatenated batch.
        var zAll = z.clone().requires_grad_(true);
        var pAll = prototypes.clone().requires_grad_(true);
        var scores = zAll.mm(pAll.t());
        var globalCodes = GlobalCodes(scores.detach(), prototypes, queue, images);
        var loss = SwavMath.SwappedPredictionLoss(scores, globalCodes, Views, Temperature);
        loss.backward();

        // W slots: each its own images' rows and its rows of the global codes.
        var slotLosses = new List<double>();
        var slotGradZ = new List<Tensor>();
        var slotGradP = new List<Tensor>();
        for (var w = 0; w < slots; w++)
        {
            var rows = SlotRows(w, batch, images);
            var zSlot = z.index_select(0, rows).requires_grad_(true);
            var pSlot = prototypes.clone().requires_grad_(true);
            var slotCodes = globalCodes.Select(c => c.narrow(0, w * batch, batch)).ToList();
            var slotLoss = SwavMath.SwappedPredictionLoss(zSlot.mm(pSlot.t()), slotCodes, Views, Temperature);
            slotLoss.backward();
            slotLosses.Add(slotLoss.item<double>());
            slotGradZ.Add(zSlot.grad!);
            slotGradP.Add(pSlot.grad!);
        }

        var lossError = Math.Abs(slotLosses.Average() - loss.item<double>());
        // The global loss is the mean over W slots, so a slot's own embedding gradient is its
        // slot gradient divided by W, scattered back to its rows of the global batch.
        var gradZ = zeros_like(z).index_copy_(0, cat(Enumerable.Range(0, slots).Select(w => SlotRows(w, batch, images)).ToList(), 0),
            cat(slotGradZ, 0).div(slots));
        var gradZError = SwavInputs.MaxAbsDiff(gradZ, zAll.grad!);
        var gradPError = SwavInputs.MaxAbsDiff(stack(slotGradP).mean([0]), pAll.grad!);
        output.WriteLine($"W={slots} B={batch} Q={queueLength}: loss {lossError:e2}, grad z {gradZError:e2}, grad P {gradPError:e2}");
        Assert.True(lossError < 1e-12, $"mean slot loss differs by {lossError:e3}");
        Assert.True(gradZError < 1e-12, $"embedding gradients differ by {gradZError:e3}");
        Assert.True(gradPError < 1e-12, $"prototype gradients differ by {gradPError:e3}");
        Assert.True(SwavInputs.Max(pAll.grad!.abs()) > 1e-6, "the prototypes got no gradient: the comparison would be empty");
    }

    /// <summary>What the leader computes: per assignment view, Sinkhorn over the queue rows scored
    /// against the current prototypes followed by the global batch's rows; the batch's codes.</summary>
    private static List<Tensor> GlobalCodes(Tensor scores, Tensor prototypes, Tensor? queue, int images)
    {
        var codes = new List<Tensor>();
        for (var a = 0; a < GlobalViews; a++)
        {
            var rows = scores.narrow(0, a * images, images);
            if (queue is not null)
                rows = cat([queue[a].mm(prototypes.t()), rows], 0);
            var all = SwavMath.Codes(rows, Epsilon, 3);
            codes.Add(all.narrow(0, all.shape[0] - images, images));
        }
        return codes;
    }

    /// <summary>Slot w's rows of the global batch, in its own view-major order (v·B + b).</summary>
    private static Tensor SlotRows(int slot, int batch, int images) =>
        tensor(Enumerable.Range(0, Views).SelectMany(v => Enumerable.Range(0, batch).Select(b => (long)(v * images + slot * batch + b))).ToArray());
}
