using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Models;

/// <summary>Builds one stage ("layerN") of residual blocks, as torchvision's _make_layer does.</summary>
internal static class ResidualStage
{
    public delegate nn.Module<Tensor, Tensor> BlockFactory(int inPlanes, int planes, int stride, NormKind norm);

    /// <summary>
    /// <paramref name="blocks"/> blocks of <paramref name="planes"/> channels (× expansion); only the
    /// first one strides and changes the channel count. Returns the stage and its output channels.
    /// </summary>
    public static (nn.Module<Tensor, Tensor> Stage, int OutPlanes) Build(
        BlockFactory block, int expansion, int inPlanes, int planes, int blocks, int stride, NormKind norm)
    {
        var layers = new nn.Module<Tensor, Tensor>[blocks];
        layers[0] = block(inPlanes, planes, stride, norm);
        for (var i = 1; i < blocks; i++)
            layers[i] = block(planes * expansion, planes, 1, norm);
        return (nn.Sequential(layers), planes * expansion);
    }

    /// <summary>The 1×1 projection shortcut a block needs when it changes resolution or width
    /// (torchvision's "downsample"), or null when the identity fits.</summary>
    internal static nn.Module<Tensor, Tensor>? Shortcut(int inPlanes, int outPlanes, int stride, NormKind norm) =>
        stride == 1 && inPlanes == outPlanes
            ? null
            : nn.Sequential(
                nn.Conv2d(inPlanes, outPlanes, kernel_size: 1, stride: stride, bias: false),
                Normalization.Norm2d(norm, outPlanes));
}
