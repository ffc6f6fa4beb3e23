namespace BamOrleans.Cli.Commands;

internal enum DatasetKind
{
    FashionMnist,
    Folder,
}

internal static class DatasetKindParser
{
    public static DatasetKind Parse(string text) => text.ToLowerInvariant() switch
    {
        "fashion-mnist" or "fashionmnist" => DatasetKind.FashionMnist,
        "folder" => DatasetKind.Folder,
        _ => throw new ArgumentException($"--dataset {text}: unknown; use fashion-mnist or folder."),
    };
}
