namespace BamOrleans.Core.Augmentation;

/// <summary>Global views are large crops at <see cref="AugmentationOptions.GlobalSize"/>; local views
/// are small crops at <see cref="AugmentationOptions.LocalSize"/> (multi-crop).</summary>
public enum ViewKind
{
    Global,
    Local,
}
