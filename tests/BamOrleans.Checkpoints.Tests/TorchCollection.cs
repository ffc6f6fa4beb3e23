namespace BamOrleans.Checkpoints.Tests;

/// <summary>
/// Tests that run libtorch work (training, snapshots, restores) run in this collection, one at a
/// time and never beside another collection, so bit-exact comparisons never depend on how
/// libtorch behaves with several .NET threads training at once (at 2 intra-op threads that gave
/// different bits now and then; see <see cref="TorchSetup"/>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "libtorch, one test at a time";
}
