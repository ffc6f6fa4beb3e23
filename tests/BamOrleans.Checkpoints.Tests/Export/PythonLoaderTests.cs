using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using BamOrleans.Checkpoints.Export;

namespace BamOrleans.Checkpoints.Tests.Export;

/// <summary>
/// tools/export/load_bam_encoder.py, run as users run it (/usr/bin/python3, standard library
/// only), reads what the C# exporter wrote: the same metadata, names, dtypes, shapes and bytes
/// (compared through per-tensor SHA-256s computed on each side), and refuses damaged files.
/// </summary>
[Collection(TorchCollection.Name)]
public class PythonLoaderTests
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public void The_python_loader_reads_the_same_metadata_names_shapes_and_bytes()
    {
        using var run = new ExportedRun();
        var path = run.WriteFile();

        var (code, stdout, stderr) = RunLoader(path);

        Assert.True(code == 0, $"the loader exited {code}: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        var tensors = json.RootElement.GetProperty("tensors");
        Assert.Equal(run.Exported.Select(t => t.Name).Order(StringComparer.Ordinal),
            tensors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var t in run.Exported)
        {
            var read = tensors.GetProperty(t.Name);
            Assert.Equal(SafeTensorsFile.DTypeName(t.DType), read.GetProperty("dtype").GetString());
            Assert.Equal(t.Shape, read.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(t.Data)), read.GetProperty("sha256").GetString());
        }
        var metadata = json.RootElement.GetProperty("metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        foreach (var (key, value) in run.Metadata.ToDictionary())
            Assert.Equal(value, metadata[key]);
        Assert.Equal(EncoderExport.ReadFile(path).Tensors.Count, tensors.EnumerateObject().Count());
    }

    [Fact]
    public void The_python_loader_refuses_a_truncated_file_and_a_changed_byte()
    {
        using var run = new ExportedRun();
        var truncated = run.WriteFile("truncated.safetensors");
        var bytes = File.ReadAllBytes(truncated);
        File.WriteAllBytes(truncated, bytes[..^7]);
        var changed = run.WriteFile("changed.safetensors");
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(changed, bytes);

        var (truncatedCode, _, truncatedError) = RunLoader(truncated);
        var (changedCode, _, changedError) = RunLoader(changed);

        Assert.Equal(1, truncatedCode);
        Assert.Contains(truncated, truncatedError);
        Assert.Contains("truncated", truncatedError);
        Assert.Equal(1, changedCode);
        Assert.Contains(changed, changedError);
        Assert.Contains("SHA-256", changedError);
    }

    private static (int Code, string Stdout, string Stderr) RunLoader(string file)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: the loader test runs the stdlib-only loader with the system Python 3");
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(LoaderPath());
        start.ArgumentList.Add(file);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            Assert.Fail("the Python loader did not finish within 60 s");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>tools/export/load_bam_encoder.py of this checkout, found above the test's output folder.</summary>
    private static string LoaderPath()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "tools", "export", "load_bam_encoder.py");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("tools/export/load_bam_encoder.py not found above " + AppContext.BaseDirectory);
    }
}
