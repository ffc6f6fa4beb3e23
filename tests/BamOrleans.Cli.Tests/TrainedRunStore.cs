using System.CommandLine;
using BamOrleans.Cli.Commands;
using BamOrleans.Tests.Shared;
using Serilog;
using Xunit.Abstractions;

namespace BamOrleans.Cli.Tests;

/// <summary>
/// One real run for the checkpoint and eval command tests: `bam local` on a tiny idx folder, 4
/// steps checkpointed every 2 into a folder store, trained once and shared (read-only: a test that
/// damages blobs works on its own <see cref="CopyStore"/>).
/// </summary>
public sealed class TrainedRunStore : IDisposable
{
    public TrainedRunStore()
    {
        Data = new TinyFashionMnist();
        Root = Directory.CreateTempSubdirectory("bam-cli-ckpt-").FullName;
        Store = Path.Combine(Root, "store");
        var (code, output, errors, _) = BamCli.Invoke(null, "local", "--data", Data.Directory, "--steps", "4", "--batch", "16", "--threads", "1",
            "--checkpoint-every", "2", "--run-id", RunId, "--store", Store, "--no-eval", "--out", Path.Combine(Root, "out"));
        if (code != 0)
            throw new InvalidOperationException($"bam local exited {code}: {output} {errors}");
    }

    public const string RunId = "cli-ckpt";

    internal TinyFashionMnist Data { get; }

    /// <summary>The folder store holding the run's checkpoints.</summary>
    public string Store { get; }

    /// <summary>Scratch space below the fixture's folder, deleted with it.</summary>
    public string Root { get; }

    /// <summary>A private copy of the store, for tests that damage it.</summary>
    public string CopyStore()
    {
        var copy = Path.Combine(Root, "store-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.GetFiles(Store, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(Store, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }

    public void Dispose()
    {
        Data.Dispose();
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}

/// <summary>The checkpoint and eval command tests share one trained run and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class TrainedRunCollection : ICollectionFixture<TrainedRunStore>
{
    public const string Name = "a trained run in a folder store";
}
