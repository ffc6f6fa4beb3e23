using BamOrleans.Reports.Model;

namespace BamOrleans.Reports.Tests;

/// <summary>Made-up but realistic runs: a decaying noisy loss, warm-up then decay of the learning
/// rate, some skipped steps, a k-NN point every 40 steps, and a timeline given out of order.</summary>
internal static class SampleRuns
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public static readonly long[] SkippedSteps = [0, 37, 38, 120];

    public static RunReport Typical(int stepCount = 240, string config = "model: resnet-tiny\nbatch: 128\nsteps: 240\n")
    {
        var random = new Random(7);
        var steps = Enumerable.Range(0, stepCount).Select(i => new StepRecord(
            Step: i,
            Epoch: i / 100,
            Loss: SkippedSteps.Contains(i) ? double.NaN : 3.9 + 1.6 * Math.Exp(-i / 80.0) + 0.08 * (random.NextDouble() - 0.5),
            LearningRate: i < 20 ? 1e-3 * i / 20 : 1e-3 * 0.5 * (1 + Math.Cos(Math.PI * (i - 20) / (stepCount - 20))),
            ImagesPerSecond: 600 + i % 50)).ToList();
        var knn = Enumerable.Range(1, stepCount / 40).Select(k => new KnnPoint(40 * k, 0.85 - 0.2 * Math.Exp(-k / 3.0))).ToList();

        return new RunReport(
            RunId: "local-20261123-0900-seed0",
            Title: "BAM on Fashion-MNIST",
            GeneratedAt: Start.AddHours(1),
            ConfigText: config,
            KeyFacts: [new("dataset", "fashion-mnist"), new("silos", "2"), new("slots", "2"), new("batch", "128")],
            Steps: steps,
            KnnPoints: knn,
            Evaluation:
            [
                new("BAM encoder", 64, 0.851, 0.826),
                new("random encoder", 64, 0.672, 0.636),
                new("raw pixels", 784, 0.857, null),
            ],
            Timeline: ShuffledTimeline());
    }

    /// <summary>The chronological kinds of <see cref="ShuffledTimeline"/>.</summary>
    public static readonly TimelineEventKind[] TimelineKindsInTimeOrder =
    [
        TimelineEventKind.Launched, TimelineEventKind.SiloLost, TimelineEventKind.Interrupted,
        TimelineEventKind.ResumedFromCheckpoint, TimelineEventKind.SiloLeft, TimelineEventKind.Completed,
    ];

    /// <summary>Six events, one minute apart in <see cref="TimelineKindsInTimeOrder"/>, listed out of order.</summary>
    public static IReadOnlyList<TimelineEvent> ShuffledTimeline()
    {
        var chronological = TimelineKindsInTimeOrder
            .Select((kind, i) => new TimelineEvent(Start.AddMinutes(i), 40L * i, i, kind, $"event {i}: {kind}"))
            .ToList();
        return [chronological[3], chronological[0], chronological[5], chronological[1], chronological[4], chronological[2]];
    }
}
