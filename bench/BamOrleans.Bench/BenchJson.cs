using System.Text.Json;

namespace BamOrleans.Bench;

/// <summary>Writes a mode's results as indented camelCase JSON beside the printed tables.</summary>
internal static class BenchJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public static void Write<T>(string path, T value)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, JsonSerializer.Serialize(value, Options) + Environment.NewLine);
        Console.WriteLine($"wrote {full}");
    }

    /// <summary>Where and with what the numbers were taken.</summary>
    public static object Machine(int threads) => new
    {
        utc = DateTime.UtcNow.ToString("O"),
        processorCount = Environment.ProcessorCount,
        torchThreads = threads,
        os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        framework = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        torchSharp = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(),
    };
}
