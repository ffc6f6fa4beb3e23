using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Models;

/// <summary>
/// Residual net sized for 28×28 / 32×32 images on a couple of CPU cores:
/// 3×3 stride-2 stem at width w → three stages of <see cref="BasicBlock"/>s, one each by default
/// (w, 2w, 4w channels; strides 1, 2, 2) → global average pool → 4w features.
/// On 28×28 the maps are 14×14, 14×14, 7×7, 4×4.
/// </summary>
/// <remarks>
/// Why stride 2 in the stem: a stride-1 stem runs every stage on 4× the pixels and measured
/// about 10× slower (≈45 vs ≈580 view-images/s for a training step on 2 threads). Why one block
/// per stage by default: a training step (batch 128 × 2 views, 28×28, AdamW, 2 threads) then runs
/// at ≈2,400 view-images/s; two blocks per stage measured ≈2,000 (≈25% slower) — still fast,
/// so <see cref="EncoderOptions.SmallBlocksPerStage"/> leaves that choice to the run.
/// Layer names (conv1, bn1, layer1..3) follow torchvision, as in <see cref="ResNet"/>.
/// </remarks>
public sealed class SmallResNet : Backbone
{
    private readonly nn.Module<Tensor, Tensor> _conv1, _bn1, _layer1, _layer2, _layer3;

    public SmallResNet(int inChannels, int width, NormKind norm, int blocksPerStage = 1) : base(nameof(SmallResNet))
    {
        _conv1 = nn.Conv2d(inChannels, width, kernel_size: 3, stride: 2, padding: 1, bias: false);
        _bn1 = Normalization.Norm2d(norm, width);
        var planes = width;
        (_layer1, planes) = ResidualStage.Build(Block, BasicBlock.Expansion, planes, width, blocksPerStage, 1, norm);
        (_layer2, planes) = ResidualStage.Build(Block, BasicBlock.Expansion, planes, 2 * width, blocksPerStage, 2, norm);
        (_layer3, planes) = ResidualStage.Build(Block, BasicBlock.Expansion, planes, 4 * width, blocksPerStage, 2, norm);
        FeatureDim = planes;
        register_module("conv1", _conv1);
        register_module("bn1", _bn1);
        register_module("layer1", _layer1);
        register_module("layer2", _layer2);
        register_module("layer3", _layer3);
    }

    public override int FeatureDim { get; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(_bn1.forward(_conv1.forward(input)), inplace: true);
        x = _layer3.forward(_layer2.forward(_layer1.forward(x)));
        return x.mean([2L, 3L]).MoveToOuterDisposeScope();
    }

    private static nn.Module<Tensor, Tensor> Block(int inPlanes, int planes, int stride, NormKind norm) =>
        new BasicBlock(inPlanes, planes, stride, norm);
}
