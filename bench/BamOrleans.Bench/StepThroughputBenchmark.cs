using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BamOrleans.Core.Models;
using BamOrleans.Core.Objective;
using BamOrleans.Core.Optim;
using static TorchSharp.torch;

namespace BamOrleans.Bench;

/// <summary>
/// Images/s of one BAM training step (encoder forward + BAM loss + backward + AdamW) on a fixed
/// batch, in TorchSharp and — in the same run, alternating rounds so both see the same machine
/// load — in PyTorch through tools/reference/encoder_reference.py with identical shapes, layers and
/// thread count. Prints each side's median and their ratio.
/// </summary>
internal static class StepThroughputBenchmark
{
    private const int Rounds = 3;
    private const string Python = "/usr/bin/python3";

    public static int Run(BenchArguments a)
    {
        set_num_threads(a.Threads);
        var script = Path.Combine(RepositoryRoot(), "tools", "reference", "encoder_reference.py");
        Console.WriteLine($"BAM step: {a.Batch} images x {a.Views} views of {a.Channels}x{a.Size}x{a.Size}, {a.Threads} threads, " +
                          $"{a.Steps} timed steps after {a.Warmup} warm-up, {Rounds} alternating rounds");
        var csharp = new List<double>();
        var python = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            csharp.Add(TorchSharpViewImagesPerSecond(a));
            python.Add(PyTorchViewImagesPerSecond(script, a));
            Console.WriteLine($"  round {round + 1}: TorchSharp {csharp[^1],7:F0} view-img/s   PyTorch {python[^1],7:F0} view-img/s");
        }
        var c = Median(csharp);
        var p = Median(python);
        Console.WriteLine($"median: TorchSharp {c:F0} view-img/s ({c / a.Views:F0} img/s), PyTorch {p:F0} view-img/s ({p / a.Views:F0} img/s)");
        Console.WriteLine($"ratio TorchSharp / PyTorch = {c / p:F2}");
        return 0;
    }

    private static double TorchSharpViewImagesPerSecond(BenchArguments a)
    {
        var options = EncoderOptions.ForFashionMnist() with { InChannels = a.Channels };
        using var encoder = Encoder.Create(options, seed: 0);
        using var optimizer = new AdamW(ParameterGroups.Split(encoder));
        var objective = new BamOptions { GlobalViews = Math.Min(a.Views, 2), LocalViews = Math.Max(a.Views - 2, 0), TargetViews = Math.Min(a.Views, 2) };
        using var images = randn(new long[] { a.Views * a.Batch, a.Channels, a.Size, a.Size }, generator: new TorchSharp.torch.Generator(0));
        var clock = new Stopwatch();
        for (var step = 0; step < a.Warmup + a.Steps; step++)
        {
            if (step == a.Warmup) clock.Start();
            using var scope = NewDisposeScope();
            optimizer.ZeroGrad();
            using var result = BamLoss.Compute(encoder.forward(images), objective, 0.05);
            result.Loss.backward();
            optimizer.Step(1e-4, 0.04);
        }
        return (double)a.Batch * a.Views * a.Steps / clock.Elapsed.TotalSeconds;
    }

    private static double PyTorchViewImagesPerSecond(string script, BenchArguments a)
    {
        var args = string.Join(' ', script, "--time", "--loss", "bam", "--norm", "group", "--projector-norm", "batch", "--batch", a.Batch, "--views", a.Views,
            "--size", a.Size, "--channels", a.Channels, "--threads", a.Threads, "--steps", a.Steps, "--warmup", a.Warmup);
        var start = new ProcessStartInfo(Python, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Python}");
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Python} {args} failed ({process.ExitCode}): {stderr}. Is python3-torch installed (apt-get install python3-torch)?");
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last();
        using var json = JsonDocument.Parse(line);
        return json.RootElement.GetProperty("images_per_s").GetDouble();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BamOrleans.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run the bench from inside the repository (BamOrleans.sln not found above the binary).");
    }
}
