using BamOrleans.Bench;
using BamOrleans.Core.Runtime;

// Benchmarks, kept apart from the tests (tests assert behaviour, never time).
//   dotnet run -c Release --project bench/BamOrleans.Bench -- step [--batch 128] [--threads 2] [--steps 20]
//   dotnet run -c Release --project bench/BamOrleans.Bench -- sinkhorn [--rows 512,2048,8192] [--reps 10]
//   dotnet run -c Release --project bench/BamOrleans.Bench -- traffic
//   dotnet run -c Release --project bench/BamOrleans.Bench -- checkpoint [--reps 20] [--steps 20] [--warmup 3]
//   dotnet run -c Release --project bench/BamOrleans.Bench -- cluster [--slots 1,2,3] [--rounds 3] [--steps 30] [--warmup 5] [--batch 120]
//   dotnet run -c Release --project bench/BamOrleans.Bench -- chaos [--seed 1] [--events 8] [--steps 600] [--silos 3]
TorchRuntime.Initialize();
var mode = args.FirstOrDefault();
return mode switch
{
    "step" => StepThroughputBenchmark.Run(BenchArguments.Parse(args.Skip(1))),
    "sinkhorn" => SinkhornBenchmark.Run(BenchArguments.Parse(args.Skip(1), mode)),
    "traffic" => TrafficTable.Run(BenchArguments.Parse(args.Skip(1), mode)),
    "checkpoint" => CheckpointBenchmark.Run(BenchArguments.Parse(args.Skip(1), mode)),
    "cluster" => ClusterBenchmark.Run(ClusterBenchArguments.Parse(args.Skip(1))),
    "chaos" => ChaosBenchmark.Run(ChaosBenchArguments.Parse(args.Skip(1))),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: bench step [--batch N] [--views V] [--threads T] [--steps S] [--warmup W]");
    Console.Error.WriteLine("       bench sinkhorn [--rows 512,2048,8192] [--reps 10] [--warmup 2] [--threads 2] [--out bench-results/sinkhorn.json]");
    Console.Error.WriteLine("       bench traffic [--out bench-results/traffic.json]");
    Console.Error.WriteLine("       bench checkpoint [--reps 20] [--steps 20] [--warmup 3] [--threads N] [--data DIR] [--out bench-results/checkpoint.json]");
    Console.Error.WriteLine("       bench cluster [--slots 1,2,3] [--rounds 3] [--steps 30] [--warmup 5] [--batch 120] [--threads 2] [--local-views 2] [--data DIR] [--out bench-results/cluster.json]");
    Console.Error.WriteLine("       bench chaos [--seed 1] [--events 8] [--steps 600] [--silos 3] [--out bench-results/chaos.json]");
    Console.Error.WriteLine("  step: images/s of one BAM training step in TorchSharp and, in the same run, in PyTorch");
    Console.Error.WriteLine("  sinkhorn: ms of the leader's S = rows·Cᵀ, global mask and Sinkhorn log-scales against N global rows");
    Console.Error.WriteLine("  traffic: bytes per step per slot (SlotTraffic) for W = 1, 2, 3, 4, 8, with and without EMA teacher");
    Console.Error.WriteLine("  checkpoint: the default run's checkpoint: size, training stall (snapshot), upload to a folder and to Azurite, against the step time");
    Console.Error.WriteLine("  cluster: the main job's step in one process and on W in-process silos: time, phases, measured bytes per slot");
    Console.Error.WriteLine("  chaos: a run on bam-silo processes under a seeded preemption trace (kill -9, SIGTERM, leader, all) against the same run without faults:");
    Console.Error.WriteLine("         seconds from a loss to the next step, steps recomputed, goodput");
    return 2;
}
