using BamOrleans.Checkpoints.Export;
using BamOrleans.Core.Data;
using BamOrleans.Core.Training;

namespace BamOrleans.Checkpoints.Tests.Export;

/// <summary>A tiny run trained for real for two steps, its student's state dict as a checkpoint
/// snapshot holds it, and the metadata of its encoder file.</summary>
internal sealed class ExportedRun : IDisposable
{
    public ExportedRun()
    {
        Config = TinyRun.Config();
        Trainer = TinyRun.Trainer(Config);
        Trainer.Step();
        Trainer.Step();
        Model = TinyRun.Snapshot(Trainer).Model;
        Metadata = new EncoderFileMetadata("run-export", Trainer.NextStep, Config.Seed, Config.Encoder, Trainer.Model.FeatureDim,
            PixelNormalizer.FashionMnist.Mean, PixelNormalizer.FashionMnist.Std, "runs/run-export/checkpoints/000000000002/manifest.json");
        Folder = Directory.CreateTempSubdirectory("bam-export-").FullName;
    }

    public TrainingConfig Config { get; }

    public SingleProcessTrainer Trainer { get; }

    public IReadOnlyList<HostTensor> Model { get; }

    public EncoderFileMetadata Metadata { get; }

    /// <summary>A temporary folder for the test's files, deleted on dispose.</summary>
    public string Folder { get; }

    /// <summary>Exports the run's encoder to a new file in <see cref="Folder"/>.</summary>
    public string WriteFile(string name = "encoder.safetensors")
    {
        var path = Path.Combine(Folder, name);
        EncoderExport.WriteFile(path, Metadata, Model, TinyRun.Silent);
        return path;
    }

    public void Dispose()
    {
        Trainer.Dispose();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}
