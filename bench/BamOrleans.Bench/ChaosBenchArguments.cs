using System.Globalization;

namespace BamOrleans.Bench;

/// <summary>The <c>chaos</c> mode's options.</summary>
/// <param name="Seed">Seeds the preemption trace.</param>
/// <param name="Events">Losses in the trace (each followed by a replacement).</param>
/// <param name="Steps">The run's planned steps (each run: with the trace, and without).</param>
/// <param name="Silos">Silo processes the run is launched on.</param>
/// <param name="Out">Where the JSON goes.</param>
internal sealed record ChaosBenchArguments(int Seed, int Events, int Steps, int Silos, string Out)
{
    public static ChaosBenchArguments Parse(IEnumerable<string> args)
    {
        // 600 steps: the run must outlast the trace. A step of this tiny run takes ~0.1 s, so the
        // survivors train ~50 steps while each replacement boots (~10 s).
        var result = new ChaosBenchArguments(1, 8, 600, 3, Path.Combine("bench-results", "chaos.json"));
        var list = args.ToList();
        for (var i = 0; i < list.Count; i += 2)
        {
            if (i + 1 >= list.Count) throw new ArgumentException($"'{list[i]}' needs a value");
            var v = list[i + 1];
            result = list[i] switch
            {
                "--seed" => result with { Seed = Integer(list[i], v, min: 0) },
                "--events" => result with { Events = Integer(list[i], v, min: 1) },
                "--steps" => result with { Steps = Integer(list[i], v, min: 1) },
                "--silos" => result with { Silos = Integer(list[i], v, min: 2) },
                "--out" => result with { Out = string.IsNullOrWhiteSpace(v) ? throw new ArgumentException("'--out' needs a file path") : v },
                _ => throw new ArgumentException($"unknown option '{list[i]}': chaos takes --seed --events --steps --silos --out"),
            };
        }
        // The global batch (12) is re-split over the survivors: it must divide by every count from 1 to --silos.
        if (Enumerable.Range(1, result.Silos).Any(w => 12 % w != 0))
            throw new ArgumentException($"--silos {result.Silos}: the global batch of 12 must split over any number of survivors up to it: use 2, 3 or 4");
        return result;
    }

    private static int Integer(string name, string text, int min) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min
            ? v
            : throw new ArgumentException($"bad argument '{name} {text}': expected an integer ≥ {min}");
}
