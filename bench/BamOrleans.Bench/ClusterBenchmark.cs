using System.Diagnostics;
using System.Globalization;
using BamOrleans.Client;
using BamOrleans.Core.Augmentation;
using BamOrleans.Core.Data;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Training;
using BamOrleans.Data.Idx;
using BamOrleans.Grains.Training;
using BamOrleans.Silo;
using BamOrleans.Worker.Runs;
using Serilog;
using static TorchSharp.torch;

namespace BamOrleans.Bench;

/// <summary>
/// The cost of orchestration: the main job's step (Fashion-MNIST, batch 128, 2 global + 2 local
/// views, small ResNet) in the single-process trainer and on local clusters of W in-process
/// silos (one slot each), in one run, with where each slot's time goes and the bytes it moves.
/// </summary>
/// <remarks>All slots share this machine's cores, so W slots here measure the overhead of the
/// protocol, not a speed-up: on a real cluster each slot has its own device.</remarks>
internal static class ClusterBenchmark
{
    public static int Run(ClusterBenchArguments args)
    {
        set_num_threads(args.Threads);
        var data = FashionMnist.Load(args.Data, FashionMnistSplit.Train);
        var config = Config(args);
        var normalizer = PixelNormalizer.FashionMnist;
        var quiet = new LoggerConfiguration().MinimumLevel.Error().WriteTo.Console().CreateLogger();
        Console.WriteLine($"cluster: {args.Rounds} rounds of [single process, W = {string.Join(", ", args.Slots)}], each {args.Warmup} warm-up + {args.Steps} timed steps " +
                          $"of {args.Batch} images × {config.Objective.Views} views, {args.Threads} threads; the slots share this machine's " +
                          $"{Environment.ProcessorCount} cores, so this measures orchestration overhead, not speed-up");

        // Rounds interleave the configurations, so a burst of load on this shared machine hits
        // them alike; ratios are taken within a round, then the median over rounds is reported.
        var rounds = new List<Round>();
        for (var r = 0; r < args.Rounds; r++)
        {
            var single = SingleProcess(config, data, normalizer, quiet, args.Warmup);
            var clusters = args.Slots.Select(w => OnCluster(w, config, data, normalizer, quiet, args.Warmup).GetAwaiter().GetResult()).ToList();
            rounds.Add(new Round(single, clusters));
            Console.WriteLine($"round {r + 1}: single {single.Median * 1000:F1} ms" +
                              string.Concat(clusters.Select(c => $", W = {c.Slots} {c.Step.Median * 1000:F1} ms")));
        }

        PrintTimes(rounds);
        var last = rounds[^1].Clusters;
        PrintPhases(last);
        PrintTraffic(last);
        BenchJson.Write(args.Out, new { machine = BenchJson.Machine(args.Threads), args.Batch, args.Steps, args.Warmup, rounds });
        return 0;
    }

    internal sealed record Round(Timing Single, IReadOnlyList<ClusterResult> Clusters);

    private static TrainingConfig Config(ClusterBenchArguments args) => new()
    {
        GlobalBatch = args.Batch,
        Steps = args.Warmup + args.Steps,
        Objective = new BamOptions { GlobalViews = 2, LocalViews = args.LocalViews, TargetViews = 2 },
        Encoder = EncoderOptions.ForFashionMnist(),
        Augmentation = AugmentationOptions.ForSmallImages(28),
    };

    /// <param name="Median">Median seconds per timed step.</param>
    /// <param name="Mean">Mean seconds per timed step.</param>
    internal sealed record Timing(double Median, double Mean);

    /// <param name="Orchestration">Mean seconds per step spent outside the slot's own tensor work:
    /// drawing, the two exchanges with the aggregator, the gradient average and the barrier (each
    /// including the wait for the slowest slot).</param>
    internal sealed record ClusterResult(int Slots, Timing Step, double WallPerStep, IReadOnlyDictionary<string, double> Phases,
        double Orchestration, StepTraffic Traffic);

    private static Timing SingleProcess(TrainingConfig config, IImageDataset data, PixelNormalizer normalizer, Serilog.ILogger log, int warmup)
    {
        using var trainer = new SingleProcessTrainer(config, data, normalizer, log);
        var seconds = trainer.Run().Skip(warmup).Select(r => r.Seconds).ToList();
        return Summarise(seconds);
    }

    private static async Task<ClusterResult> OnCluster(int slots, TrainingConfig config, IImageDataset data, PixelNormalizer normalizer,
        Serilog.ILogger log, int warmup)
    {
        var spec = new DatasetSpec("fashion-mnist", "bench", 28);
        var datasets = new LocalDatasetProvider();
        datasets.Add(spec, data);
        await using var cluster = await LocalCluster.Start(slots, datasets, log);
        var run = new ClusterRun(cluster.Client, $"bench-w{slots}", log);
        var clock = Stopwatch.StartNew();
        await run.Launch(new RunDefinition(config, spec, normalizer.Mean, normalizer.Std, DataShards: 8), data.Count, slotsPerSilo: 1);
        await run.WaitUntilDone(config.Steps, budget: null);
        var wall = clock.Elapsed.TotalSeconds;
        var history = (await run.History(0)).Skip(warmup).ToList();
        var phases = history.Select(r => r.Phases).ToList();
        var mean = new Dictionary<string, double>
        {
            ["draw"] = phases.Average(p => p.Draw),
            ["forward"] = phases.Average(p => p.Forward),
            ["gather"] = phases.Average(p => p.Gather),
            ["  of which leader S+Sinkhorn"] = phases.Average(p => p.Sinkhorn),
            ["share"] = phases.Average(p => p.Share),
            ["column exchange"] = phases.Average(p => p.ColumnExchange),
            ["backward"] = phases.Average(p => p.Backward),
            ["gradient average"] = phases.Average(p => p.GradientAverage),
            ["barrier"] = phases.Average(p => p.Barrier),
            ["apply"] = phases.Average(p => p.Apply),
            ["total"] = phases.Average(p => p.Total),
        };
        var orchestration = phases.Average(p => p.Draw + p.Gather + p.ColumnExchange + p.GradientAverage + p.Barrier);
        return new ClusterResult(slots, Summarise(phases.Select(p => p.Total).ToList()), wall / config.Steps, mean, orchestration, history[^1].Traffic);
    }

    private static void PrintTimes(IReadOnlyList<Round> rounds)
    {
        Console.WriteLine();
        Console.WriteLine($"{"",-16} {"median ms",10} {"× single",9} {"orchestration ms",17} {"share of step",14}");
        Console.WriteLine($"{"single process",-16} {Median(rounds.Select(r => r.Single.Median).ToList()) * 1000,10:F1} {1.0,9:F2}");
        foreach (var w in rounds[0].Clusters.Select(c => c.Slots))
        {
            var runs = rounds.Select(r => (Single: r.Single, Cluster: r.Clusters.Single(c => c.Slots == w))).ToList();
            var median = Median(runs.Select(x => x.Cluster.Step.Median).ToList());
            var ratio = Median(runs.Select(x => x.Cluster.Step.Median / x.Single.Median).ToList());
            var orchestration = Median(runs.Select(x => x.Cluster.Orchestration).ToList());
            var share = Median(runs.Select(x => x.Cluster.Orchestration / x.Cluster.Phases["total"]).ToList());
            Console.WriteLine($"{$"W = {w}",-16} {median * 1000,10:F1} {ratio,9:F2} {orchestration * 1000,17:F1} {share,14:P0}");
        }
    }

    private static void PrintPhases(IReadOnlyList<ClusterResult> results)
    {
        Console.WriteLine();
        Console.WriteLine("mean ms per step by phase, slot 0, last round" + string.Concat(results.Select(r => $"{$"W = {r.Slots}",10}")));
        foreach (var phase in results[0].Phases.Keys)
            Console.WriteLine($"{phase,-33}" + string.Concat(results.Select(r => $"{r.Phases[phase] * 1000,10:F1}")));
    }

    private static void PrintTraffic(IReadOnlyList<ClusterResult> results)
    {
        Console.WriteLine();
        Console.WriteLine($"bytes per step, slot 0{"",12}" + string.Concat(results.Select(r => $"{$"W = {r.Slots}",12}")));
        void Row(string name, Func<StepTraffic, double> value, string format) =>
            Console.WriteLine($"{name,-34}" + string.Concat(results.Select(r => value(r.Traffic).ToString(format, CultureInfo.InvariantCulture).PadLeft(12))));
        Row("rows up", t => t.EmbeddingsUp, "N0");
        Row("columns + scales down", t => t.TargetsDown, "N0");
        Row("column gradients up", t => t.ColumnGradientsUp, "N0");
        Row("own column gradients down", t => t.OwnColumnGradientsDown, "N0");
        Row("floor (V·B·D floats)", t => t.Floor, "N0");
        Row("objective up / floor", t => (double)t.ObjectiveUp / t.Floor, "F2");
        Row("objective down / floor", t => (double)t.ObjectiveDown / t.Floor, "F2");
        Row("parameter gradients up (= down)", t => t.GradientsUp, "N0");
    }

    private static Timing Summarise(IReadOnlyList<double> seconds) => new(Median(seconds), seconds.Average());

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>Options of the <c>cluster</c> mode.</summary>
internal sealed record ClusterBenchArguments(IReadOnlyList<int> Slots, int Steps, int Warmup, int Batch, int Threads, int LocalViews, int Rounds, string Data, string Out)
{
    public static ClusterBenchArguments Parse(IEnumerable<string> args)
    {
        var result = new ClusterBenchArguments([1, 2, 3], 30, 5, 120, 2, 2, 3, FashionMnist.DefaultDirectory, Path.Combine("bench-results", "cluster.json"));
        var list = args.ToList();
        for (var i = 0; i < list.Count; i += 2)
        {
            if (i + 1 >= list.Count) throw new ArgumentException($"'{list[i]}' needs a value");
            var v = list[i + 1];
            result = list[i] switch
            {
                "--slots" => result with { Slots = v.Split(',').Select(int.Parse).ToArray() },
                "--steps" => result with { Steps = int.Parse(v) },
                "--warmup" => result with { Warmup = int.Parse(v) },
                "--batch" => result with { Batch = int.Parse(v) },
                "--threads" => result with { Threads = int.Parse(v) },
                "--local-views" => result with { LocalViews = int.Parse(v) },
                "--rounds" => result with { Rounds = int.Parse(v) },
                "--data" => result with { Data = v },
                "--out" => result with { Out = v },
                _ => throw new ArgumentException($"unknown option '{list[i]}': cluster takes --slots 1,2,3 --steps --warmup --batch --threads --local-views --rounds --data --out"),
            };
        }
        if (result.Slots.Any(w => w < 1 || result.Batch % w != 0))
            throw new ArgumentException($"every slot count must be ≥ 1 and divide --batch {result.Batch}: got {string.Join(",", result.Slots)}");
        return result;
    }
}
