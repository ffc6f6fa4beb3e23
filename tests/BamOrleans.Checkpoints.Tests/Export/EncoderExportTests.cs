using System.Buffers.Binary;
using System.Text;
using BamOrleans.Checkpoints.Export;
using BamOrleans.Core.Data;
using static TorchSharp.torch;

namespace BamOrleans.Checkpoints.Tests.Export;

/// <summary>Encoder files: what is written loads back into a TorchSharp encoder bit for bit, and a
/// damaged or mismatching file is refused with an error naming the file and the problem.</summary>
[Collection(TorchCollection.Name)]
public class EncoderExportTests
{
    [Fact]
    public void An_exported_encoder_loads_with_identical_tensors_and_identical_features()
    {
        using var run = new ExportedRun();
        var path = run.WriteFile();

        var file = EncoderExport.ReadFile(path);
        using var loaded = file.CreateEncoder();

        TinyRun.AssertSame(TinyRun.Bytes(run.Trainer.Model), TinyRun.Bytes(loaded));
        using var scope = NewDisposeScope();
        var images = PixelNormalizer.FashionMnist.Apply(ImageBatchLoader.Load(TinyRun.Squares(12), Enumerable.Range(0, 12).ToArray()));
        run.Trainer.Model.eval();
        using (no_grad())
        {
            var expected = run.Trainer.Model.Features(images);
            var actual = loaded.Features(images);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(HostCopy.ToHost("features", expected).Data.AsSpan().SequenceEqual(HostCopy.ToHost("features", actual).Data),
                "features of the loaded encoder differ from the trained one's");
        }
    }

    [Fact]
    public void The_file_holds_the_registered_state_dict_names_once_without_torchsharps_field_aliases()
    {
        using var run = new ExportedRun();
        Assert.NotEqual(run.Model.Count, run.Exported.Count); // the snapshot does carry aliases

        var file = EncoderExport.ReadFile(run.WriteFile());

        Assert.Equal(run.Exported.Select(t => t.Name).Order(StringComparer.Ordinal), file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Contains(file.Tensors, t => t.Name.StartsWith("backbone.", StringComparison.Ordinal));
        Assert.Contains(file.Tensors, t => t.Name.StartsWith("projector.layers.", StringComparison.Ordinal));
    }

    [Fact]
    public void A_SwAV_encoder_exports_its_prototypes_and_loads_back_bit_for_bit()
    {
        var swav = TinyRun.Config() with
        {
            Method = "swav",
            Swav = new Core.Objectives.Swav.SwavOptions { LocalViews = 0, Prototypes = 6, FreezePrototypesSteps = 0 },
        };
        using var run = new ExportedRun(swav);
        var file = EncoderExport.ReadFile(run.WriteFile());

        Assert.Equal(6, file.Metadata.Encoder.Prototypes);
        var prototypes = Assert.Single(file.Tensors, t => t.Name == "prototypes.weight");
        Assert.Equal([6L, swav.Encoder.ProjectorOutDim], prototypes.Shape);
        using var loaded = file.CreateEncoder();
        TinyRun.AssertSame(TinyRun.Bytes(run.Trainer.Model), TinyRun.Bytes(loaded));
    }

    [Fact]
    public void The_metadata_reads_back_equal_and_the_file_is_safetensors_with_an_aligned_header()
    {
        using var run = new ExportedRun();
        var bytes = File.ReadAllBytes(run.WriteFile());

        var metadata = EncoderExport.Read(bytes, "in memory").Metadata;

        Assert.Equal(run.Metadata.RunId, metadata.RunId);
        Assert.Equal(2, metadata.Step);
        Assert.Equal(run.Metadata.Seed, metadata.Seed);
        // Every effective option (record equality would also compare which projector sizes were
        // left to their defaults, which the file does not need to know).
        Assert.Equal(EncoderOptionsJson.Serialize(run.Config.Encoder), EncoderOptionsJson.Serialize(metadata.Encoder));
        Assert.Equal(run.Trainer.Model.FeatureDim, metadata.FeatureDim);
        Assert.Equal(PixelNormalizer.FashionMnist.Mean, metadata.NormalizerMean);
        Assert.Equal(PixelNormalizer.FashionMnist.Std, metadata.NormalizerStd);
        Assert.Equal(run.Metadata.Source, metadata.Source);
        // The layout itself, read by hand: little-endian length, a JSON object, data 8-byte aligned.
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + headerLength) % 8);
        Assert.StartsWith("{\"__metadata__\":{", Encoding.UTF8.GetString(bytes, 8, (int)headerLength));
        Assert.Equal(run.Exported.Sum(t => (long)t.Data.Length), bytes.Length - 8 - headerLength);
    }

    [Theory]
    [InlineData(5)]     // inside the header length
    [InlineData(200)]   // inside the header
    [InlineData(-1)]    // one byte short of the end: the last tensor
    public void A_truncated_file_is_refused_naming_the_file_and_the_truncation(int keep)
    {
        using var run = new ExportedRun();
        var path = run.WriteFile();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(keep >= 0 ? keep : bytes.Length + keep)]);

        var e = Assert.Throws<EncoderFileException>(() => EncoderExport.ReadFile(path));

        Assert.Equal(Path.GetFullPath(path), e.FileName);
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Reason);
    }

    [Fact]
    public void A_changed_data_byte_is_caught_by_the_sha256_in_the_header()
    {
        using var run = new ExportedRun();
        var path = run.WriteFile();
        var bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<EncoderFileException>(() => EncoderExport.ReadFile(path));

        Assert.Contains("SHA-256", e.Reason);
        Assert.Contains("changed", e.Reason);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_changed_dtype_in_the_header_names_the_tensor()
    {
        using var run = new ExportedRun();
        var path = run.WriteFile();
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        var at = header.IndexOf("\"F32\"", StringComparison.Ordinal);
        var nameEnd = header.LastIndexOf("\":{\"dtype\":", at, StringComparison.Ordinal);
        var tensor = header[(header.LastIndexOf('"', nameEnd - 1) + 1)..nameEnd];
        Encoding.UTF8.GetBytes("\"F16\"").CopyTo(bytes, 8 + at);
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<EncoderFileException>(() => EncoderExport.ReadFile(path));

        Assert.Contains($"tensor '{tensor}' has dtype F16", e.Reason);
    }

    [Fact]
    public void A_file_whose_tensors_do_not_fit_its_encoder_options_is_refused_naming_the_tensors()
    {
        using var run = new ExportedRun();
        // A well-formed encoder file (valid metadata and SHA-256) whose first tensor was renamed.
        var renamed = run.Exported.Select((t, i) => i == 0 ? t with { Name = "backbone.renamed.weight" } : t).ToArray();
        var bytes = SafeTensorsWriter.Write(renamed, run.Metadata.ToDictionary(), EncoderFileMetadata.Keys.DataSha256);
        var file = EncoderExport.Read(bytes, "renamed.safetensors");

        var e = Assert.Throws<EncoderFileException>(() => file.CreateEncoder());

        Assert.Contains($"tensor '{run.Exported[0].Name}' of the encoder is missing", e.Reason);
        Assert.Contains("tensor 'backbone.renamed.weight' is not part of the encoder", e.Reason);
    }

    [Fact]
    public void Exporting_weights_with_the_wrong_encoder_options_is_refused_before_anything_is_written()
    {
        using var run = new ExportedRun();
        var wider = run.Metadata with { Encoder = run.Config.Encoder with { Width = 8 }, FeatureDim = 32 };
        var path = Path.Combine(run.Folder, "wrong.safetensors");

        var e = Assert.Throws<ArgumentException>(() => EncoderExport.WriteFile(path, wider, run.Model, TinyRun.Silent));

        Assert.Contains("do not fit encoder", e.Message);
        Assert.Contains("but the encoder's is", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_safetensors_file_without_bam_metadata_is_refused_as_another_format()
    {
        using var run = new ExportedRun();
        var bytes = SafeTensorsFile.Write(run.Model, new Dictionary<string, string> { ["format"] = "pt" });

        var e = Assert.Throws<EncoderFileException>(() => EncoderExport.Read(bytes, "other.safetensors"));

        Assert.Contains("format 'pt', not 'bam-encoder'", e.Reason);
    }
}
