namespace BamOrleans.Bench;

/// <summary>The shape of the benchmarked step; both sides (TorchSharp and PyTorch) get the same.</summary>
internal sealed record BenchArguments(int Batch, int Views, int Size, int Channels, int Threads, int Steps, int Warmup)
{
    public static BenchArguments Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, int>
        {
            ["--batch"] = 128, ["--views"] = 2, ["--size"] = 28, ["--channels"] = 1,
            ["--threads"] = 2, ["--steps"] = 20, ["--warmup"] = 3,
        };
        var list = args.ToList();
        for (var i = 0; i < list.Count; i += 2)
        {
            if (!values.ContainsKey(list[i]) || i + 1 >= list.Count || !int.TryParse(list[i + 1], out var v) || v < 1)
                throw new ArgumentException($"bad argument '{list[i]}': expected one of {string.Join(", ", values.Keys)} followed by a positive integer");
            values[list[i]] = v;
        }
        return new BenchArguments(values["--batch"], values["--views"], values["--size"], values["--channels"],
            values["--threads"], values["--steps"], values["--warmup"]);
    }
}
