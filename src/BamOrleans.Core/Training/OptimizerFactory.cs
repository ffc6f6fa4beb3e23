using BamOrleans.Core.Models;
using BamOrleans.Core.Optim;

namespace BamOrleans.Core.Training;

/// <summary>Builds the configured optimizer over an encoder, with weight decay on weights only
/// (biases and norm parameters excluded, as the official recipe does).</summary>
public static class OptimizerFactory
{
    public static IOptimizer Create(OptimizerKind kind, Encoder model)
    {
        var groups = ParameterGroups.Split(model);
        return kind switch
        {
            OptimizerKind.AdamW => new AdamW(groups),
            OptimizerKind.Lars => new Lars(groups),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown optimizer: use AdamW or Lars."),
        };
    }
}
