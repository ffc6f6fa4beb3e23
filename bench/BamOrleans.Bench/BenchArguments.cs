using System.Globalization;
using BamOrleans.Data.Idx;

namespace BamOrleans.Bench;

/// <summary>The shape of the benchmarked step; both sides (TorchSharp and PyTorch) get the same.</summary>
/// <remarks>
/// One record for every mode. Each mode accepts only its own options (an option another mode
/// uses is an error, not silently ignored) and has its own defaults; <see cref="Parse(IEnumerable{string})"/>
/// is the <c>step</c> mode, as before.
/// </remarks>
internal sealed record BenchArguments(int Batch, int Views, int Size, int Channels, int Threads, int Steps, int Warmup)
{
    /// <summary>Global row counts N (sinkhorn).</summary>
    public IReadOnlyList<int> Rows { get; init; } = [512, 2048, 8192];

    /// <summary>Timed repetitions per N (sinkhorn).</summary>
    public int Reps { get; init; } = 10;

    /// <summary>Fashion-MNIST idx folder (checkpoint).</summary>
    public string Data { get; init; } = FashionMnist.DefaultDirectory;

    /// <summary>Where to write the JSON results (sinkhorn, traffic, checkpoint); default bench-results/&lt;mode&gt;.json.</summary>
    public string Out { get; init; } = "";

    private static readonly string[] StepOptions = ["--batch", "--views", "--size", "--channels", "--threads", "--steps", "--warmup"];

    private static readonly Dictionary<string, string[]> ModeOptions = new()
    {
        ["step"] = StepOptions,
        ["sinkhorn"] = ["--rows", "--reps", "--warmup", "--threads", "--out"],
        ["traffic"] = ["--out"],
        ["checkpoint"] = ["--steps", "--warmup", "--reps", "--threads", "--data", "--out"],
    };

    /// <summary>The <c>step</c> mode's options (unchanged).</summary>
    public static BenchArguments Parse(IEnumerable<string> args) => Parse(args, "step");

    /// <summary>The options of <paramref name="mode"/> (step, sinkhorn, traffic or checkpoint).</summary>
    public static BenchArguments Parse(IEnumerable<string> args, string mode)
    {
        if (!ModeOptions.TryGetValue(mode, out var accepted))
            throw new ArgumentException($"unknown mode '{mode}': expected one of {string.Join(", ", ModeOptions.Keys)}", nameof(mode));
        var values = new Dictionary<string, int>
        {
            ["--batch"] = 128, ["--views"] = 2, ["--size"] = 28, ["--channels"] = 1,
            ["--threads"] = 2, ["--steps"] = 20, ["--warmup"] = mode == "sinkhorn" ? 2 : 3, ["--reps"] = 10,
        };
        if (mode == "checkpoint")
        {
            // The default run's thread count (all cores), and enough repetitions for a meaningful worst case.
            values["--threads"] = Environment.ProcessorCount;
            values["--reps"] = 20;
        }
        var data = FashionMnist.DefaultDirectory;
        IReadOnlyList<int> rows = [512, 2048, 8192];
        var output = Path.Combine("bench-results", mode + ".json");
        var list = args.ToList();
        for (var i = 0; i < list.Count; i += 2)
        {
            var name = list[i];
            if (!accepted.Contains(name) || i + 1 >= list.Count)
                throw new ArgumentException($"bad argument '{name}': {mode} expects {string.Join(", ", accepted)}, each followed by a value");
            var text = list[i + 1];
            switch (name)
            {
                case "--out":
                    if (string.IsNullOrWhiteSpace(text))
                        throw new ArgumentException("bad argument '--out': expected a file path");
                    output = text;
                    break;
                case "--rows":
                    rows = ParseRows(text);
                    break;
                case "--data":
                    if (string.IsNullOrWhiteSpace(text))
                        throw new ArgumentException("bad argument '--data': expected a folder");
                    data = text;
                    break;
                default:
                    values[name] = PositiveInteger(name, text);
                    break;
            }
        }
        return new BenchArguments(values["--batch"], values["--views"], values["--size"], values["--channels"],
            values["--threads"], values["--steps"], values["--warmup"])
        {
            Rows = rows,
            Reps = values["--reps"],
            Data = data,
            Out = output,
        };
    }

    private static int PositiveInteger(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 1
            ? v
            : throw new ArgumentException($"bad argument '{name} {text}': expected a positive integer");

    private static IReadOnlyList<int> ParseRows(string text)
    {
        var rows = text.Split(',', StringSplitOptions.TrimEntries).Select(t => PositiveInteger("--rows", t)).ToList();
        if (rows.Count == 0)
            throw new ArgumentException("bad argument '--rows': expected a comma-separated list such as 512,2048,8192");
        return rows;
    }
}
