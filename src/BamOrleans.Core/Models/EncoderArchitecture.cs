namespace BamOrleans.Core.Models;

/// <summary>Which backbone an <see cref="Encoder"/> is built on.</summary>
public enum EncoderArchitecture
{
    /// <summary>Small residual net for 28×28 / 32×32 images; see <see cref="SmallResNet"/>.</summary>
    SmallResNet,

    /// <summary>torchvision ResNet-18 layout (BasicBlock [2, 2, 2, 2], 512 features).</summary>
    ResNet18,

    /// <summary>torchvision ResNet-50 layout (Bottleneck [3, 4, 6, 3], 2048 features).</summary>
    ResNet50,
}
