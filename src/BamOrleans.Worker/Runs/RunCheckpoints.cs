using System.Text.Json;
using BamOrleans.Checkpoints;
using BamOrleans.Grains.Data;
using BamOrleans.Storage;
using Serilog;

namespace BamOrleans.Worker.Runs;

/// <summary>Where a run's checkpoints live in the blob store, and the data positions and memory bank they carry.</summary>
public static class RunCheckpoints
{
    /// <summary>"runs/{runId}/checkpoints": one folder per checkpoint below it.</summary>
    public static string Prefix(string runId) => $"runs/{runId}/checkpoints";

    public static CheckpointReader Reader(IBlobStore store, string runId, ILogger log) => new(store, Prefix(runId), log);

    public static string EncodePositions(DataPositions positions) => JsonSerializer.Serialize(positions);

    public static DataPositions DecodePositions(LoadedCheckpoint checkpoint) =>
        JsonSerializer.Deserialize<DataPositions>(checkpoint.DataState)
        ?? throw new CorruptCheckpointException(checkpoint.Manifest, "its data positions are empty");

    /// <summary>The checkpoint's memory bank for the pool (<see cref="IDataPoolGrain.RestoreMemory"/>), or null when it holds none.</summary>
    public static MemorySnapshot? DecodeMemory(LoadedCheckpoint checkpoint) =>
        checkpoint.Memory is { } memory ? new MemorySnapshot(memory.AfterStep, memory.Width, memory.Rows) : null;

    /// <summary>The pool's memory bank for a checkpoint (<see cref="CheckpointSnapshot.Take"/>).</summary>
    public static CheckpointMemoryBank EncodeMemory(MemorySnapshot memory) => new(memory.AfterStep, memory.Width, memory.Rows);
}
