namespace BamOrleans.Reports;

/// <summary>The pixel size of every PNG figure of a report.</summary>
public sealed record FigureSize(int Width, int Height)
{
    /// <summary>Wide enough for a few thousand steps to read as a curve, and fits a laptop screen beside the text.</summary>
    public static FigureSize Default { get; } = new(960, 420);
}
