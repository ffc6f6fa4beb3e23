using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Models;

/// <summary>
/// torchvision's two-conv residual block. Submodule names (conv1, bn1, conv2, bn2, downsample)
/// follow torchvision so parameter names match the PyTorch twin and torchvision checkpoints,
/// whichever norm sits in the "bn" slots.
/// </summary>
internal sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 1;

    private readonly nn.Module<Tensor, Tensor> _conv1, _bn1, _conv2, _bn2;
    private readonly nn.Module<Tensor, Tensor>? _downsample;

    public BasicBlock(int inPlanes, int planes, int stride, NormKind norm) : base(nameof(BasicBlock))
    {
        _conv1 = nn.Conv2d(inPlanes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
        _bn1 = Normalization.Norm2d(norm, planes);
        _conv2 = nn.Conv2d(planes, planes, kernel_size: 3, stride: 1, padding: 1, bias: false);
        _bn2 = Normalization.Norm2d(norm, planes);
        register_module("conv1", _conv1);
        register_module("bn1", _bn1);
        register_module("conv2", _conv2);
        register_module("bn2", _bn2);
        _downsample = ResidualStage.Shortcut(inPlanes, planes * Expansion, stride, norm);
        if (_downsample is not null)
            register_module("downsample", _downsample);
    }

    public override Tensor forward(Tensor input)
    {
        // The scope frees the intermediate handles now; autograd keeps what backward needs.
        using var scope = NewDisposeScope();
        var identity = _downsample is null ? input : _downsample.forward(input);
        var x = nn.functional.relu(_bn1.forward(_conv1.forward(input)), inplace: true);
        x = _bn2.forward(_conv2.forward(x));
        return nn.functional.relu(x.add_(identity), inplace: true).MoveToOuterDisposeScope();
    }
}
