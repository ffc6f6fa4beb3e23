using BamOrleans.Core.Distributed;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Objectives;
using BamOrleans.Core.Objectives.Bam;
using BamOrleans.Core.Objectives.Pirl;
using BamOrleans.Core.Objectives.Swav;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using static BamOrleans.Core.Tests.Distributed.ProtocolHarness;

namespace BamOrleans.Core.Tests.Objectives;

/// <summary>
/// Every objective, driven only through <see cref="ITrainingObjective"/> and
/// <see cref="IObjectiveLeader"/> as the trainer and the aggregator drive it: W encoder replicas,
/// each fed its slot's images, whose parameter gradients are then averaged, take the same step as
/// one replica with W = 1 on the concatenated batch — losses, gradients (prototypes included) and
/// the per-image memory written. Several steps run back to back, so SwAV's queue and PIRL's bank
/// carry state from one step into the next. Group norm keeps samples independent of their batch.
/// </summary>
public sealed class ObjectiveSeamEquivalenceTests(ITestOutputHelper output)
{
    private const int Batch = 4, GlobalSize = 28, LocalSize = 12, DatasetSize = 64, Steps = 3;
    private const long Seed = 5;

    /// <summary>float32, relative per parameter: conv blockings differ with the batch size.</summary>
    private const double Tolerance = 1e-4;

    public static TheoryData<string, int> Cases => new()
    {
        { "bam", 2 }, { "bam-ema", 3 }, { "swav", 2 }, { "swav-queue", 2 }, { "swav-multicrop", 4 }, { "pirl", 2 }, { "pirl", 4 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void W_slots_through_the_seam_equal_one_slot_on_the_concatenated_batch(string name, int slots)
    {
        var objective = Objective(name);
        var options = Tiny with { Prototypes = objective.Prototypes };
        using var single = new Party(objective, options, slots: 1);
        using var split = new Party(objective, options, slots);
        for (var step = 0; step < Steps; step++)
        {
            using var scope = NewDisposeScope();
            var samples = Enumerable.Range(0, Batch * slots).Select(i => (i * 7 + step * 13) % DatasetSize).ToArray();
            var (global, local) = Images(objective, Batch * slots, (ulong)(100 + step));
            var singleLoss = single.Step(step, samples, global, local).Single();
            var losses = split.Step(step, samples, global, local);

            var lossError = Math.Abs(losses.Average() - singleLoss) / Math.Abs(singleLoss);
            var reference = single.Gradients(0);
            Assert.True(reference.Max(MaxAbs) > 1e-6, "the reference gradient is ~0, so the comparison would be vacuous");
            var averaged = split.AveragedGradients();
            var gradientError = averaged.Zip(reference, RelativeError).Max();
            output.WriteLine($"{name} W={slots} step {step}: loss {singleLoss:g6}, loss error {lossError:e2}, worst gradient error {gradientError:e2}");
            Assert.True(lossError <= Tolerance, $"step {step}: mean slot loss {losses.Average():g10} vs one slot {singleLoss:g10}");
            Assert.True(gradientError <= Tolerance, $"step {step}: averaged gradient differs by {gradientError:e2} (relative)");
            if (objective.MemoryWidth(1) > 0)
                Assert.True(RelativeError(split.Memory!, single.Memory!) <= Tolerance, $"step {step}: the memory written differs");
            // Both parties apply the same (single) update, as replicas do after the all-reduce.
            single.Apply(reference);
            split.Apply(reference);
        }
        if (objective.Prototypes > 0)
        {
            // Renormalised before every forward pass, so still unit rows.
            var norms = split.Replicas[0].Prototypes!.norm(1);
            Assert.True(MaxAbs(norms.sub(1)) < 1e-5, "the prototypes were not renormalised");
        }
    }

    [Fact]
    public void SwAV_drops_the_prototypes_gradient_only_while_they_are_frozen()
    {
        var objective = new SwavObjective(new SwavOptions { LocalViews = 0, Prototypes = 8, FreezePrototypesSteps = 1 });
        using var party = new Party(objective, Tiny with { Prototypes = 8 }, slots: 1);
        using var scope = NewDisposeScope();
        var samples = Enumerable.Range(0, Batch).ToArray();
        var (global, local) = Images(objective, Batch, 7);
        party.Step(0, samples, global, local);
        Assert.Equal(0, MaxAbs(party.Replicas[0].Prototypes!.grad!));
        party.Step(1, samples, global, local);
        Assert.True(MaxAbs(party.Replicas[0].Prototypes!.grad!) > 0, "after the freeze the prototypes must train");
    }

    private static readonly EncoderOptions Tiny = EncoderOptions.ForFashionMnist() with
    {
        Width = 8,
        ProjectorHiddenDim = 32,
        ProjectorOutDim = 16,
        ProjectorNorm = NormKind.Group,
    };

    private static ITrainingObjective Objective(string name) => name switch
    {
        "bam" => new BamObjective(new BamOptions()),
        "bam-ema" => new BamObjective(new BamOptions { LocalViews = 2, UseEmaTeacher = true }),
        "swav" => new SwavObjective(new SwavOptions { LocalViews = 0, Prototypes = 10, FreezePrototypesSteps = 0 }),
        // Queue of 8 rows: with 8 global rows per step it is used from the second step on.
        "swav-queue" => new SwavObjective(new SwavOptions { LocalViews = 0, Prototypes = 10, FreezePrototypesSteps = 0, QueueLength = 8 }),
        "swav-multicrop" => new SwavObjective(new SwavOptions { LocalViews = 2, Prototypes = 12, FreezePrototypesSteps = 0 }),
        "pirl" => new PirlObjective(new PirlOptions { Negatives = 32 }),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Global and local views of <paramref name="images"/> images, view-major.</summary>
    private static (Tensor Global, Tensor? Local) Images(ITrainingObjective objective, int images, ulong seed)
    {
        using var generator = new Generator(seed);
        var global = randn([objective.GlobalViews * images, 1, GlobalSize, GlobalSize], generator: generator);
        var local = objective.LocalViews == 0 ? null : randn([objective.LocalViews * images, 1, LocalSize, LocalSize], generator: generator);
        return (global, local);
    }

    /// <summary>W replicas and one leader, driven as the trainer and the aggregator drive them.</summary>
    private sealed class Party : IDisposable
    {
        private readonly ITrainingObjective _objective;
        private readonly IObjectiveLeader _leader;
        private readonly Encoder? _teacher;

        public Party(ITrainingObjective objective, EncoderOptions options, int slots)
        {
            _objective = objective;
            _leader = objective.CreateLeader();
            Replicas = Enumerable.Range(0, slots).Select(_ => Encoder.Create(options, Seed)).ToArray();
            if (objective.UsesTeacher)
            {
                _teacher = Encoder.Create(options, Seed + 1);
                foreach (var p in _teacher.parameters()) p.requires_grad = false;
            }
            var width = Replicas[0].OutputDim;
            if (objective.MemoryWidth(width) > 0)
            {
                var rows = Enumerable.Range(0, DatasetSize).SelectMany(i => MemoryBankInit.Row(Seed, i, width)).ToArray();
                Memory = tensor(rows, [DatasetSize, width]);
            }
        }

        public Encoder[] Replicas { get; }

        public Tensor? Memory { get; }

        public double[] Step(long step, int[] samples, Tensor global, Tensor? local)
        {
            using var scope = NewDisposeScope();
            var slots = Replicas.Length;
            var batch = samples.Length / slots;
            var steps = new ObjectiveStep[slots];
            var forwards = new SlotForward[slots];
            var uploads = new SlotUpload[slots];
            for (var w = 0; w < slots; w++)
            {
                var mine = samples.Skip(w * batch).Take(batch).ToArray();
                steps[w] = new ObjectiveStep(step, step / 8.0, w, slots, batch, mine);
                Replicas[w].zero_grad();
                _objective.BeforeForward(Replicas[w], steps[w]);
                var rows = SlotEmbeddings.Normalize(Embed(Replicas[w], global, local, slots, w));
                Tensor? teacherRows = null;
                if (_teacher is not null)
                    using (no_grad()) teacherRows = SlotEmbeddings.Normalize(Embed(_teacher, global, local, slots, w));
                forwards[w] = new SlotForward(rows, _objective.Outputs(Replicas[w], rows), teacherRows, Replicas[w]);
                uploads[w] = new SlotUpload(w, mine, _objective.Upload(steps[w], forwards[w]).Select(t => t.clone()).ToList());
            }
            var leaderStep = new LeaderStep(step, step / 8.0, slots, batch, DatasetSize, Seed);
            var reads = _leader.MemoryReads(leaderStep, uploads.Select(u => u.Samples).ToList());
            var memory = reads.Count == 0 ? null : Memory!.index_select(0, tensor(reads.Select(i => (long)i).ToArray()));
            using var answer = _leader.Lead(leaderStep, uploads, memory);
            var shares = Enumerable.Range(0, slots).Select(w => _objective.Share(steps[w], forwards[w], answer.For(w))).ToArray();
            var reduced = _objective.SharesGradients
                ? _leader.ReduceShared(leaderStep, shares.Select(s => s.SharedGradient!).ToList())
                : null;
            for (var w = 0; w < slots; w++)
            {
                forwards[w].Outputs.backward([_objective.OutputGradient(steps[w], shares[w], reduced?[w])]);
                _objective.AfterBackward(Replicas[w], steps[w]);
            }
            if (answer.MemoryWrite is { } write)
                using (no_grad())
                    Memory!.index_copy_(0, tensor(write.Indices.Select(i => (long)i).ToArray()), write.Rows);
            return shares.Select(s => s.Loss).ToArray();
        }

        public Tensor[] Gradients(int w) => Replicas[w].parameters().Select(p => p.grad!.clone()).ToArray();

        /// <summary>DDP's all-reduce: per parameter, the slots' gradients summed in slot order, / W.</summary>
        public Tensor[] AveragedGradients() =>
            Enumerable.Range(0, Replicas[0].parameters().Count())
                .Select(i => Replicas.Select(r => r.parameters().ElementAt(i).grad!).Aggregate((a, b) => a.add(b)).div(Replicas.Length))
                .ToArray();

        /// <summary>A plain SGD step with the given gradient on every replica (the step is not under test).</summary>
        public void Apply(Tensor[] gradient)
        {
            using var noGrad = no_grad();
            foreach (var replica in Replicas)
                foreach (var (p, g) in replica.parameters().Zip(gradient))
                    p.sub_(g.mul(0.5));
        }

        /// <summary>Slot w's rows, view-major: its global views, then its local ones.</summary>
        private Tensor Embed(Encoder model, Tensor global, Tensor? local, int slots, int w)
        {
            var rows = model.forward(SlotBlock(global, _objective.GlobalViews, slots, w));
            return local is null ? rows : cat([rows, model.forward(SlotBlock(local, _objective.LocalViews, slots, w))], 0);
        }

        public void Dispose()
        {
            _leader.Dispose();
            _teacher?.Dispose();
            foreach (var r in Replicas) r.Dispose();
            Memory?.Dispose();
        }
    }
}
