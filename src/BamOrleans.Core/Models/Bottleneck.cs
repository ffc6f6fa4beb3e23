using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Models;

/// <summary>
/// torchvision's ResNet v1.5 bottleneck (stride on the 3×3 conv), 4× channel expansion.
/// Names follow torchvision: conv1/bn1 (1×1), conv2/bn2 (3×3), conv3/bn3 (1×1), downsample.
/// </summary>
internal sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    private readonly nn.Module<Tensor, Tensor> _conv1, _bn1, _conv2, _bn2, _conv3, _bn3;
    private readonly nn.Module<Tensor, Tensor>? _downsample;

    public Bottleneck(int inPlanes, int planes, int stride, NormKind norm) : base(nameof(Bottleneck))
    {
        _conv1 = nn.Conv2d(inPlanes, planes, kernel_size: 1, bias: false);
        _bn1 = Normalization.Norm2d(norm, planes);
        _conv2 = nn.Conv2d(planes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
        _bn2 = Normalization.Norm2d(norm, planes);
        _conv3 = nn.Conv2d(planes, planes * Expansion, kernel_size: 1, bias: false);
        _bn3 = Normalization.Norm2d(norm, planes * Expansion);
        register_module("conv1", _conv1);
        register_module("bn1", _bn1);
        register_module("conv2", _conv2);
        register_module("bn2", _bn2);
        register_module("conv3", _conv3);
        register_module("bn3", _bn3);
        _downsample = ResidualStage.Shortcut(inPlanes, planes * Expansion, stride, norm);
        if (_downsample is not null)
            register_module("downsample", _downsample);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var identity = _downsample is null ? input : _downsample.forward(input);
        var x = nn.functional.relu(_bn1.forward(_conv1.forward(input)), inplace: true);
        x = nn.functional.relu(_bn2.forward(_conv2.forward(x)), inplace: true);
        x = _bn3.forward(_conv3.forward(x));
        return nn.functional.relu(x.add_(identity), inplace: true).MoveToOuterDisposeScope();
    }
}
