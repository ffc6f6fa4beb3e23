using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Models;

/// <summary>
/// MLP from backbone features to the embedding the BAM loss compares:
/// (Linear → Norm → GELU) × (layers − 1) → Linear. Output is not normalised (the loss does that).
/// </summary>
/// <remarks>
/// GELU as in the DINO/BAM heads. Norm follows <see cref="NormKind"/>: LayerNorm for Group
/// (per-sample, so batch composition never changes a sample's embedding) and BatchNorm1d for
/// Batch (the SimCLR/BYOL style). The DINO head itself has no norm by default; LayerNorm keeps
/// the per-sample property while still taming the scale of the hidden activations.
/// Submodules live in one Sequential named "layers" (layers.0 = first Linear, …).
/// </remarks>
public sealed class ProjectorHead : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _layers;

    public ProjectorHead(int inDim, int hiddenDim, int outDim, int layers, NormKind norm) : base(nameof(ProjectorHead))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        var modules = new List<nn.Module<Tensor, Tensor>>();
        var dim = inDim;
        for (var i = 0; i < layers - 1; i++)
        {
            modules.Add(nn.Linear(dim, hiddenDim));
            modules.Add(Normalization.Norm1d(norm, hiddenDim));
            modules.Add(nn.GELU());
            dim = hiddenDim;
        }
        modules.Add(nn.Linear(dim, outDim));
        _layers = nn.Sequential(modules.ToArray());
        register_module("layers", _layers);
        OutputDim = outDim;
    }

    public int OutputDim { get; }

    public override Tensor forward(Tensor input) => _layers.forward(input);
}
