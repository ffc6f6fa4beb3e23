namespace BamOrleans.Grains.Runs;

/// <summary>The grain storage the run and catalog grains persist to; the silo host registers a provider under this name.</summary>
public static class RunStateStorage
{
    public const string Name = "bam-runs";
}
