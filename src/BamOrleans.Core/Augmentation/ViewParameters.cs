namespace BamOrleans.Core.Augmentation;

/// <summary>
/// Everything random about one view of one image, drawn on the CPU before any pixel is touched.
/// The crop box is in input pixels with continuous edges (left edge of pixel 0 is 0).
/// </summary>
internal readonly record struct ViewParameters(
    double CropLeft,
    double CropTop,
    double CropWidth,
    double CropHeight,
    bool Flip,
    bool Jitter,
    float Brightness,
    float Contrast,
    float Saturation,
    int JitterOrder,
    bool Grayscale,
    bool Blur,
    double BlurSigma,
    bool Solarize);
