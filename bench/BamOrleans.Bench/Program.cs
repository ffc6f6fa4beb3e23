using BamOrleans.Bench;
using BamOrleans.Core.Runtime;

// Benchmarks, kept apart from the tests (tests assert behaviour, never time).
//   dotnet run -c Release --project bench/BamOrleans.Bench -- step [--batch 128] [--threads 2] [--steps 20]
TorchRuntime.Initialize();
return args.FirstOrDefault() switch
{
    "step" => StepThroughputBenchmark.Run(BenchArguments.Parse(args.Skip(1))),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: bench step [--batch N] [--views V] [--threads T] [--steps S] [--warmup W]");
    Console.Error.WriteLine("  step: images/s of one BAM training step in TorchSharp and, in the same run, in PyTorch");
    return 2;
}
