using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Worker.Runs;

namespace BamOrleans.Cluster.Tests.Training;

/// <summary>The run the in-process membership and control tests train: the synthetic dataset, an
/// EMA teacher, a checkpoint every 4 steps (so a boundary to join or resume at comes quickly), and
/// the waits those tests poll with.</summary>
internal static class CheckpointedRuns
{
    public const int StepsPerEpoch = SyntheticDatasets.Count / 12;

    public static RunDefinition Definition(int steps)
    {
        var config = ClusterEquivalenceTests.Config(localViews: 2, topK: 0, ema: true, NormKind.Group) with { Steps = steps };
        var normalizer = PixelNormalizer.FashionMnist;
        return new RunDefinition(config, SyntheticDatasets.Spec, normalizer.Mean, normalizer.Std, DataShards: 4)
        {
            CheckpointEverySteps = 4,
            KeepCheckpoints = 10,
        };
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after 2 minutes.</summary>
    public static async Task Until(Func<Task<bool>> condition)
    {
        var deadline = Deadline();
        while (!await condition()) await Task.Delay(20, deadline);
    }

    public static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token;
}
