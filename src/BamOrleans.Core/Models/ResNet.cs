using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Models;

/// <summary>
/// torchvision ResNet-18 / ResNet-50 without the classifier: 7×7 stride-2 stem, 3×3 stride-2
/// max-pool, four stages (64, 128, 256, 512 planes; strides 1, 2, 2, 2), global average pool.
/// Features: 512 (BasicBlock [2, 2, 2, 2]) or 2048 (Bottleneck [3, 4, 6, 3]).
/// The norm is configurable; names match torchvision's state_dict keys (minus "fc").
/// </summary>
public sealed class ResNet : Backbone
{
    private readonly nn.Module<Tensor, Tensor> _conv1, _bn1, _maxpool, _layer1, _layer2, _layer3, _layer4;

    public ResNet(EncoderArchitecture architecture, int inChannels, NormKind norm) : base(architecture.ToString())
    {
        var (block, expansion, blocks) = architecture switch
        {
            EncoderArchitecture.ResNet18 => ((ResidualStage.BlockFactory)Basic, BasicBlock.Expansion, new[] { 2, 2, 2, 2 }),
            EncoderArchitecture.ResNet50 => (Bottle, Bottleneck.Expansion, new[] { 3, 4, 6, 3 }),
            _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "ResNet takes ResNet18 or ResNet50."),
        };
        _conv1 = nn.Conv2d(inChannels, 64, kernel_size: 7, stride: 2, padding: 3, bias: false);
        _bn1 = Normalization.Norm2d(norm, 64);
        _maxpool = nn.MaxPool2d(kernel_size: 3, stride: 2, padding: 1);
        var planes = 64;
        (_layer1, planes) = ResidualStage.Build(block, expansion, planes, 64, blocks[0], 1, norm);
        (_layer2, planes) = ResidualStage.Build(block, expansion, planes, 128, blocks[1], 2, norm);
        (_layer3, planes) = ResidualStage.Build(block, expansion, planes, 256, blocks[2], 2, norm);
        (_layer4, planes) = ResidualStage.Build(block, expansion, planes, 512, blocks[3], 2, norm);
        FeatureDim = planes;
        register_module("conv1", _conv1);
        register_module("bn1", _bn1);
        register_module("maxpool", _maxpool);
        register_module("layer1", _layer1);
        register_module("layer2", _layer2);
        register_module("layer3", _layer3);
        register_module("layer4", _layer4);
    }

    public override int FeatureDim { get; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(_bn1.forward(_conv1.forward(input)), inplace: true);
        x = _maxpool.forward(x);
        x = _layer4.forward(_layer3.forward(_layer2.forward(_layer1.forward(x))));
        return x.mean([2L, 3L]).MoveToOuterDisposeScope();
    }

    private static nn.Module<Tensor, Tensor> Basic(int inPlanes, int planes, int stride, NormKind norm) =>
        new BasicBlock(inPlanes, planes, stride, norm);

    private static nn.Module<Tensor, Tensor> Bottle(int inPlanes, int planes, int stride, NormKind norm) =>
        new Bottleneck(inPlanes, planes, stride, norm);
}
