using BamOrleans.Grains.Training;
using FashionMnistData = BamOrleans.Data.Idx.FashionMnist;

namespace BamOrleans.Cli.Config;

/// <summary>
/// The rules a run config must meet beyond the Core's own Validate(): those about where the data
/// is and how the run is laid out on the cluster, which only a submitted run has.
/// </summary>
internal static class RunConfigChecks
{
    public static IEnumerable<ConfigProblem> Check(RunConfig config)
    {
        var kind = config.Dataset.Kind;
        var path = config.Dataset.Path;
        if (string.IsNullOrWhiteSpace(path))
            yield return new("data.path", kind == RunDataKinds.Store
                ? "data.path is missing: give the name of the dataset prepared in the blob store."
                : $"data.path is missing: give the images' folder as every silo sees it, e.g. data.path: {ExamplePath(kind)}.");
        else if (kind != RunDataKinds.Store && !Path.IsPathRooted(path))
            yield return new("data.path",
                $"data.path {ConfigText.Quoted(path)} is relative, and each silo would resolve it in its own working folder: give an absolute path, e.g. {ExamplePath(kind)}.");

        var size = config.Dataset.ImageSize;
        if (RunDataKinds.ShapeIsFixed(kind) && RunDataKinds.DefaultImageSize(kind) is { } fixedSize && size != fixedSize)
            yield return new("data.imageSize", $"data.imageSize = {size}, but {kind} images are {fixedSize}×{fixedSize}: set it to {fixedSize} or remove it.");

        var channels = config.Training.Encoder.InChannels;
        if (RunDataKinds.ChannelsAreFixed(kind) && RunDataKinds.DefaultChannels(kind) is { } fixedChannels && channels != fixedChannels)
            yield return new("data.channels", $"data.channels = {channels}, but the silos read {kind} images with {fixedChannels} channel(s): set it to {fixedChannels} or remove it.");

        var slots = config.SlotsPerSilo;
        if (slots < 1)
            yield return new("cluster.slotsPerSilo", $"cluster.slotsPerSilo = {slots}: use at least 1 (one per GPU of a silo; 1 on a CPU silo).");
        else if (config.Training.GlobalBatch >= 2 && config.Training.GlobalBatch % slots != 0)
            yield return new("batch",
                $"batch = {config.Training.GlobalBatch} does not split evenly over the {slots} slots of a silo (cluster.slotsPerSilo): use a multiple of {slots}, e.g. {NextMultiple(config.Training.GlobalBatch, slots)}.");
        if (config.SiloLimit is < 1 and var silos)
            yield return new("cluster.silos", $"cluster.silos = {silos}: use at least 1, or leave it unset to use every active silo.");

        if (config.RunId is { } runId && RunIdProblem(runId) is { } problem)
            yield return new("run.id", $"run.id {ConfigText.Quoted(runId)}: {problem}");
    }

    // The one rule for run ids is RunIds.Require; its message is reused without the parameter
    // name .NET appends.
    private static string? RunIdProblem(string runId)
    {
        if (string.IsNullOrWhiteSpace(runId))
            return "is empty: give letters, digits, '-', '_' or '.', or leave run.id unset for a new id.";
        try
        {
            RunIds.Require(runId);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
        }
    }

    private static string ExamplePath(string kind) => kind == RunDataKinds.FashionMnist ? FashionMnistData.DefaultDirectory : "/data/images";

    private static int NextMultiple(int value, int factor) => (value + factor - 1) / factor * factor;
}
