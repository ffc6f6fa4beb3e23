using BamOrleans.Core.Models;
using Serilog;

namespace BamOrleans.Checkpoints.Export;

/// <summary>
/// Writes and reads encoder files: a trained encoder's weights (the student's backbone and
/// projector, under their state-dict names) as safetensors, with <see cref="EncoderFileMetadata"/>
/// and the data's SHA-256 in the header. PyTorch, the safetensors library and
/// tools/export/load_bam_encoder.py read the same files (docs/encoder-export.md).
/// </summary>
public static class EncoderExport
{
    /// <summary>The file extension users expect for safetensors.</summary>
    public const string Extension = ".safetensors";

    /// <summary>
    /// The encoder file of <paramref name="model"/> (a checkpoint's <see cref="LoadedCheckpoint.Model"/>
    /// or any state dict of the encoder <paramref name="metadata"/> describes), without the state
    /// dict's field aliases (<see cref="StateDictAliases"/>). The tensors are
    /// checked against that encoder first, so a file never pairs weights with options they do not
    /// fit; <see cref="EncoderFileMetadata.FeatureDim"/> must be the encoder's.
    /// </summary>
    /// <exception cref="ArgumentException">The tensors are not that encoder's state dict; the
    /// message names every mismatching tensor.</exception>
    public static byte[] Write(EncoderFileMetadata metadata, IReadOnlyList<HostTensor> model)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(model);
        var tensors = StateDictAliases.WithoutAliases(model);
        using (var encoder = Encoder.Create(metadata.Encoder, metadata.Seed))
        {
            var problems = EncoderStateCheck.Problems(encoder, tensors).ToList();
            if (encoder.FeatureDim != metadata.FeatureDim)
                problems.Add($"the feature dimension is given as {metadata.FeatureDim} but the encoder's is {encoder.FeatureDim}");
            if (problems.Count > 0)
                throw new ArgumentException(
                    $"the weights of run {metadata.RunId} step {metadata.Step} do not fit encoder {metadata.Encoder.Architecture}: "
                    + string.Join("; ", problems) + ". Export with the encoder options of the run that wrote them.", nameof(model));
        }
        return SafeTensorsWriter.Write(tensors, metadata.ToDictionary(), EncoderFileMetadata.Keys.DataSha256);
    }

    /// <summary>Writes the encoder file to <paramref name="path"/> through a temporary file beside
    /// it, so a crash never leaves a half-written file under the final name.</summary>
    /// <returns>The number of tensors written (the state dict without its field aliases).</returns>
    public static int WriteFile(string path, EncoderFileMetadata metadata, IReadOnlyList<HostTensor> model, ILogger log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(log);
        var bytes = Write(metadata, model);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"cannot write {full}: the folder {folder} does not exist; create it or choose another --out.");
        var temporary = full + ".partial";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, full, overwrite: true);
        var tensors = StateDictAliases.WithoutAliases(model).Count;
        log.Information("Exported encoder of run {RunId} step {Step} ({Architecture}, {Tensors} tensors, {Bytes} bytes) to {Path}",
            metadata.RunId, metadata.Step, metadata.Encoder.Architecture, tensors, bytes.LongLength, full);
        return tensors;
    }

    /// <summary>Parses and verifies an encoder file's bytes; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="EncoderFileException">Not safetensors, truncated, changed (the data's SHA-256
    /// differs from the header's), or not a BAM encoder file this version reads.</exception>
    public static ExportedEncoder Read(ReadOnlySpan<byte> bytes, string source)
    {
        var content = SafeTensorsFile.Read(bytes, source);
        var metadata = EncoderFileMetadata.Parse(content.Metadata, source);
        if (!content.Metadata.TryGetValue(EncoderFileMetadata.Keys.DataSha256, out var expected))
            throw new EncoderFileException(source, $"its metadata has no '{EncoderFileMetadata.Keys.DataSha256}', so its tensors cannot be verified: export it again with `bam checkpoint export`");
        if (!string.Equals(expected, content.DataSha256, StringComparison.OrdinalIgnoreCase))
            throw new EncoderFileException(source, $"its tensor data hashes to SHA-256 {content.DataSha256} but the header says {expected}: bytes were changed after it was written");
        return new ExportedEncoder(source, metadata, content.Tensors);
    }

    /// <summary>Reads and verifies the encoder file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="EncoderFileException">See <see cref="Read(ReadOnlySpan{byte}, string)"/>.</exception>
    public static ExportedEncoder ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new FileNotFoundException($"no encoder file at {full}: write one with `bam checkpoint export <run-id> --out {Path.GetFileName(full)}`.", full);
        return Read(File.ReadAllBytes(full), full);
    }
}
