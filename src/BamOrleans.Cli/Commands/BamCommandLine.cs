using System.CommandLine;

namespace BamOrleans.Cli.Commands;

/// <summary>The whole `bam` command tree, built in one place so tests invoke exactly what users type.</summary>
internal static class BamCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("bam — BAM self-supervised pretraining on spot-friendly Orleans clusters");
        root.Subcommands.Add(LocalCommand.Create());
        root.Subcommands.Add(Cluster.ClusterCommand.Create());
        return root;
    }
}
