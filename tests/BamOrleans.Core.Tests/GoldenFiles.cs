using System.Text.Json;
using static TorchSharp.torch;

namespace BamOrleans.Core.Tests;

/// <summary>
/// The golden JSON files the PyTorch references write (tools/reference/*_reference.py
/// --write-fixtures): where each kind lives, how one opens, and the tolerance of its dtype. The
/// objectives' fixture classes read their own fields; this is what they share.
/// </summary>
internal static class GoldenFiles
{
    public static string Directory(string kind) => Path.Combine(AppContext.BaseDirectory, "Fixtures", kind);

    public static IEnumerable<string> Names(string kind) =>
        System.IO.Directory.GetFiles(Directory(kind), "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static JsonDocument Open(string kind, string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory(kind), name + ".json")));

    /// <summary>The dtype the case was computed in (its "dtype" field).</summary>
    public static ScalarType Dtype(JsonElement root, string name) => root.GetProperty("dtype").GetString() switch
    {
        "float64" => ScalarType.Float64,
        "float32" => ScalarType.Float32,
        var other => throw new InvalidDataException($"{name}: unknown dtype {other}"),
    };

    /// <summary>Relative tolerance for a fixture's dtype, as DESIGN §8 sets it.</summary>
    public static double Tolerance(ScalarType dtype) => dtype == ScalarType.Float64 ? 1e-6 : 1e-4;
}

/// <summary>A matrix from a golden file: its shape and row-major values.</summary>
internal sealed record GoldenMatrix(long[] Shape, double[] Data)
{
    // float32 values are parsed as float directly, so they are the exact values the reference used.
    public static GoldenMatrix Read(JsonElement e, ScalarType dtype) => new(
        e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray(),
        e.GetProperty("data").EnumerateArray().Select(x => dtype == ScalarType.Float32 ? x.GetSingle() : x.GetDouble()).ToArray());

    /// <summary>A fresh leaf tensor in <paramref name="dtype"/>.</summary>
    public Tensor ToTensor(ScalarType dtype, bool requiresGrad = false) =>
        tensor(Data, dtype: ScalarType.Float64).view(Shape).to_type(dtype).requires_grad_(requiresGrad);
}
