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
}
