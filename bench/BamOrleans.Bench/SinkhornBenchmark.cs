using System.Diagnostics;
using System.Globalization;
using BamOrleans.Core.Distributed;
using BamOrleans.Core.Objective;
using static TorchSharp.torch;

namespace BamOrleans.Bench;

/// <summary>
/// Time of the leader's aggregation work against the global row count N — what
/// <see cref="TargetAggregation.Scatter"/> does after gathering: (a) C = the first K rows (a copy)
/// and S = rows·Cᵀ, (b) the N × K global same-image mask, (c) <see cref="BalancedSinkhorn.LogColumnScales"/>.
/// Gathering the slots' blocks and building the payloads are left out.
/// </summary>
/// <remarks>
/// V = 4 views (2 global + 2 local), T = 2 target views, D = 128, ε = 0.05, 3 rounds, float32, so
/// K = N·T/V. The rows are random unit vectors from a seeded generator, the same for every
/// repetition of one N. Each repetition runs in its own dispose scope, so S and the Sinkhorn
/// temporaries are freed before the next one (the RSS column shows it stays flat). Since S is
/// N × K, every phase should grow as N²: the scaling table gives log(t₂/t₁)/log(N₂/N₁).
/// </remarks>
internal static class SinkhornBenchmark
{
    private const int Views = 4;
    private const int GlobalViews = 2;
    private const int TargetViews = 2;
    private const int Dim = 128;
    private const int Iterations = 3;
    private const double Epsilon = 0.05;
    private const ulong Seed = 20240607;

    private static readonly string[] Phases = ["matmul", "mask", "sinkhorn", "total"];

    public static int Run(BenchArguments a)
    {
        foreach (var n in a.Rows)
            if (n % Views != 0)
                throw new ArgumentException($"--rows {n}: N = V·B·W must be a multiple of V = {Views}");
        set_num_threads(a.Threads);
        Console.WriteLine($"Leader aggregation (S = rows·Cᵀ, mask, Sinkhorn log-scales): V = {Views}, T = {TargetViews}, D = {Dim}, " +
                          $"ε = {Epsilon.ToString(CultureInfo.InvariantCulture)}, {Iterations} rounds, float32, K = N·T/V; " +
                          $"{a.Threads} threads, {a.Reps} timed reps after {a.Warmup} warm-up");
        var results = a.Rows.Select(n => Measure(n, a)).ToList();

        Console.WriteLine();
        Console.WriteLine("times in ms, median / min over the timed reps; RSS after the first / last timed rep; minor page faults per timed rep");
        var header = $"{"N",6} {"K",6} {"S bytes",13} {"S MiB",7} | " +
                     string.Join(" | ", Phases.Select(p => $"{p + " med",13} {"min",8}")) + $" | {"RSS MiB",15} {"faults/rep",10}";
        Console.WriteLine(header);
        Console.WriteLine(new string('-', header.Length));
        foreach (var r in results)
        {
            Console.WriteLine($"{r.N,6} {r.K,6} {r.SimilarityBytes,13:N0} {r.SimilarityBytes / 1048576.0,7:F2} | " +
                              string.Join(" | ", Phases.Select(p => $"{r.Phases[p].MedianMs,13:F3} {r.Phases[p].MinMs,8:F3}")) +
                              $" | {r.RssFirstMiB,7:F0}/{r.RssLastMiB,-7:F0} {(r.MinorFaultsPerRep is { } f ? f.ToString("F0", CultureInfo.InvariantCulture) : "n/a"),10}");
        }

        var scaling = new List<Scaling>();
        for (var i = 1; i < results.Count; i++)
        {
            var (p, q) = (results[i - 1], results[i]);
            var exponents = Phases.ToDictionary(ph => ph, ph => Exponent(p.N, q.N, p.Phases[ph].MedianMs, q.Phases[ph].MedianMs));
            scaling.Add(new Scaling(p.N, q.N, exponents, Exponent(p.N, q.N, p.Phases["total"].MinMs, q.Phases["total"].MinMs)));
        }
        if (scaling.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("scaling exponent log(t2/t1)/log(N2/N1) from the medians (≈ 2 expected: S is N × K, K ∝ N); last column from the mins");
            var scaleHeader = $"{"N1 -> N2",14} | " + string.Join(" ", Phases.Select(p => $"{p,9}")) + $" | {"total(min)",10}";
            Console.WriteLine(scaleHeader);
            Console.WriteLine(new string('-', scaleHeader.Length));
            foreach (var s in scaling)
                Console.WriteLine($"{$"{s.N1} -> {s.N2}",14} | " + string.Join(" ", Phases.Select(p => $"{s.FromMedians[p],9:F2}")) +
                                  $" | {s.TotalFromMins,10:F2}");
        }

        Console.WriteLine();
        BenchJson.Write(a.Out, new
        {
            mode = "sinkhorn",
            config = new
            {
                views = Views, globalViews = GlobalViews, targetViews = TargetViews, dim = Dim, epsilon = Epsilon,
                iterations = Iterations, dtype = "float32", seed = Seed, reps = a.Reps, warmup = a.Warmup, rows = a.Rows,
                phases = "matmul: C = rows[0:K].clone() and S = rows·Cᵀ; mask: SlotLayout.GlobalMask; sinkhorn: BalancedSinkhorn.LogColumnScales; total: all three",
            },
            machine = BenchJson.Machine(a.Threads),
            results,
            scaling,
        });
        return 0;
    }

    private static Result Measure(int n, BenchArguments a)
    {
        var layout = new SlotLayout(slots: 1, batchPerSlot: n / Views, Views, GlobalViews, TargetViews);
        var k = checked((int)layout.Columns);
        using var rows = nn.functional.normalize(randn(n, Dim, dtype: ScalarType.Float32, generator: new Generator(Seed)), p: 2, dim: 1);
        var samples = Phases.ToDictionary(p => p, _ => new List<double>());
        double rssFirst = 0, rssLast = 0;
        long? faultsBefore = null;
        for (var rep = 0; rep < a.Warmup + a.Reps; rep++)
        {
            var timed = rep >= a.Warmup;
            if (rep == a.Warmup) faultsBefore = MinorFaults();
            double matmul, mask, sinkhorn;
            using (NewDisposeScope())
            using (no_grad())
            {
                var t0 = Stopwatch.GetTimestamp();
                var columns = rows.narrow(0, 0, k).clone();
                var similarities = rows.mm(columns.t());
                var t1 = Stopwatch.GetTimestamp();
                var globalMask = layout.GlobalMask(rows.device);
                var t2 = Stopwatch.GetTimestamp();
                var logScales = BalancedSinkhorn.LogColumnScales(similarities, globalMask, Epsilon, Iterations, TargetViews);
                var t3 = Stopwatch.GetTimestamp();
                (matmul, mask, sinkhorn) = (Ms(t0, t1), Ms(t1, t2), Ms(t2, t3));
                if (rep == a.Warmup + a.Reps - 1) Check(similarities, globalMask, logScales, n, k);
            }
            if (!timed) continue;
            samples["matmul"].Add(matmul);
            samples["mask"].Add(mask);
            samples["sinkhorn"].Add(sinkhorn);
            samples["total"].Add(matmul + mask + sinkhorn);
            var rss = Environment.WorkingSet / 1048576.0;
            if (rep == a.Warmup) rssFirst = rss;
            rssLast = rss;
        }
        var faultsAfter = MinorFaults();
        double? faultsPerRep = faultsBefore is { } f0 && faultsAfter is { } f1 ? (double)(f1 - f0) / a.Reps : null;
        Console.WriteLine($"  N = {n,5}: total median {Median(samples["total"]),9:F3} ms");
        return new Result(n, k, (long)n * k * 4,
            samples.ToDictionary(s => s.Key, s => new PhaseTimes(Median(s.Value), s.Value.Min(), s.Value)),
            rssFirst, rssLast, faultsPerRep);
    }

    /// <summary>Guards against timing something other than the real work: shapes, the mask's T
    /// entries per row, and finite scales.</summary>
    private static void Check(Tensor similarities, Tensor mask, Tensor logScales, int n, int k)
    {
        if (similarities.shape[0] != n || similarities.shape[1] != k || logScales.shape[0] != k)
            throw new InvalidOperationException($"unexpected shapes: S [{string.Join(", ", similarities.shape)}], log v [{string.Join(", ", logScales.shape)}]");
        if (mask.sum().item<long>() != (long)n * TargetViews)
            throw new InvalidOperationException($"the mask should have T = {TargetViews} entries per row");
        if (!logScales.isfinite().all().item<bool>())
            throw new InvalidOperationException("non-finite Sinkhorn log-scales");
    }

    /// <summary>The process's minor page faults so far (Linux /proc/self/stat field 10), or null
    /// elsewhere. Many per rep mean S and its temporaries are fresh pages every time (large
    /// allocations are mmap'd and returned to the kernel on free), which costs as much as the arithmetic.</summary>
    private static long? MinorFaults()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    private static double Exponent(int n1, int n2, double t1, double t2) => Math.Log(t2 / t1) / Math.Log((double)n2 / n1);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private sealed record PhaseTimes(double MedianMs, double MinMs, IReadOnlyList<double> SamplesMs);

    private sealed record Result(int N, int K, long SimilarityBytes, IReadOnlyDictionary<string, PhaseTimes> Phases, double RssFirstMiB, double RssLastMiB, double? MinorFaultsPerRep);

    private sealed record Scaling(int N1, int N2, IReadOnlyDictionary<string, double> FromMedians, double TotalFromMins);
}
