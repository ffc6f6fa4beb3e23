using BamOrleans.Checkpoints.Export;
using BamOrleans.Core.Data;
using BamOrleans.Core.Training;

namespace BamOrleans.Checkpoints.Tests.Export;

/// <summary>A tiny run trained for real for two steps, its student's state dict as a checkpoint
/// snapshot holds it, and the metadata of its encoder file.</summary>
internal sealed class ExportedRun : IDisposable
{
    /// <param name="config">The run's config (default: <see cref="TinyRun.Config"/>'s BAM run).</param>
    public ExportedRun(TrainingConfig? config = null)
    {
        Config = config ?? TinyRun.Config();
        Trainer = TinyRun.Trainer(Config);
        Trainer.Step();
        Trainer.Step();
        Model = TinyRun.Snapshot(Trainer).Model;
        Metadata = new EncoderFileMetadata("run-export", Trainer.NextStep, Config.Seed, Config.Model, Trainer.Model.FeatureDim,
            PixelNormalizer.FashionMnist.Mean, PixelNormalizer.FashionMnist.Std, "runs/run-export/checkpoints/000000000002/manifest.json");
        Folder = Directory.CreateTempSubdirectory("bam-export-").FullName;
    }

    public TrainingConfig Config { get; }

    public SingleProcessTrainer Trainer { get; }

    /// <summary>The student's state dict as the snapshot holds it (with TorchSharp's field aliases).</summary>
    public IReadOnlyList<HostTensor> Model { get; }

    /// <summary>What an encoder file holds: <see cref="Model"/> without names that have a segment
    /// starting with '_' (the aliases), found here by name alone.</summary>
    public IReadOnlyList<HostTensor> Exported => Model.Where(t => !t.Name.Split('.').Any(s => s.StartsWith('_'))).ToArray();

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
