namespace BamOrleans.Data.ImageFolder;

/// <summary>How decoded images are turned into channels.</summary>
public enum ImageColorMode
{
    /// <summary>One channel: ITU-R 601 luma, as PIL's "L" mode computes it.</summary>
    Grayscale,

    /// <summary>Three channels, red, green, blue planes in that order.</summary>
    Rgb,
}
