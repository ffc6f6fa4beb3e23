using BamOrleans.Checkpoints.Export;
using BamOrleans.Cli.Commands.Checkpoint;
using BamOrleans.Storage;
using Serilog;

namespace BamOrleans.Cli.Commands.Eval;

/// <summary>
/// The encoder `bam eval` measures: an encoder file (--checkpoint), or a run's checkpoint in the
/// store (--run, --step), which goes through the same encoder-file bytes in memory, so both paths
/// evaluate exactly what an export holds.
/// </summary>
internal static class EvalEncoderSource
{
    public static async Task<ExportedEncoder> Load(string? file, string? run, long? step, Func<Task<IBlobStore>> openStore, ILogger log)
    {
        if ((file is null) == (run is null))
            throw new ArgumentException("give the encoder to evaluate once: --checkpoint <file.safetensors>, or --run <id> [--step N] with the store options.");
        if (file is not null)
        {
            if (step is not null)
                throw new ArgumentException("--step selects a checkpoint of --run; an encoder file (--checkpoint) holds one step already.");
            return EncoderExport.ReadFile(file);
        }
        var (checkpoint, metadata) = await RunEncoderSource.Load(await openStore(), run!, step, log);
        return EncoderExport.Read(EncoderExport.Write(metadata, checkpoint.Model), checkpoint.Manifest);
    }
}
