namespace BamOrleans.Cli.Commands;

internal enum DatasetKind
{
    FashionMnist,
    Folder,
}

internal static class DatasetKindParser
{
    public static bool TryParse(string text, out DatasetKind kind)
    {
        switch (text.ToLowerInvariant())
        {
            case "fashion-mnist" or "fashionmnist":
                kind = DatasetKind.FashionMnist;
                return true;
            case "folder":
                kind = DatasetKind.Folder;
                return true;
            default:
                kind = default;
                return false;
        }
    }
}
