using TorchSharp;
using static TorchSharp.torch;

namespace BamOrleans.Core.Models;

/// <summary>Images [B, C, H, W] → pooled features [B, <see cref="FeatureDim"/>].</summary>
public abstract class Backbone : nn.Module<Tensor, Tensor>
{
    protected Backbone(string name) : base(name) { }

    public abstract int FeatureDim { get; }
}
