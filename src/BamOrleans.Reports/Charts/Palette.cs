using ScottPlot;

namespace BamOrleans.Reports.Charts;

/// <summary>The figures' colours, one place, so that the legend, the HTML and the tests agree.</summary>
internal static class Palette
{
    public static readonly Color Background = Colors.White;
    public static readonly Color Frame = new(0x44, 0x44, 0x44);
    public static readonly Color Grid = new(0xE4, 0xE4, 0xE4);
    public static readonly Color Text = new(0x22, 0x22, 0x22);

    /// <summary>The raw per-step values, light so that the smoothed line reads on top of them.</summary>
    public static readonly Color Raw = new(0x9E, 0xC5, 0xE8);
    public static readonly Color Main = new(0x1F, 0x5F, 0xA8);
    public static readonly Color Knn = new(0x2E, 0x8B, 0x57);

    public static readonly Color SiloLost = new(0xD6, 0x27, 0x28);
    public static readonly Color SiloLeft = new(0xFF, 0x8C, 0x00);
    public static readonly Color Resumed = new(0x8E, 0x44, 0xAD);
}
