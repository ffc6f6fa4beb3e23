using TorchSharp;
using TorchSharp.Modules;

namespace BamOrleans.Core.Models;

/// <summary>A parameter and its dotted name in the module tree.</summary>
public readonly record struct NamedParameter(string Name, Parameter Parameter);

/// <summary>
/// Trainable parameters split for weight decay as in the official DINO/BAM code
/// (utils.get_params_groups): conv and linear weights decay; biases and norm parameters
/// (every 1-D tensor or name ending in ".bias") do not. LARS also skips its trust-ratio
/// adaptation for the no-decay group. Frozen parameters (requires_grad false) are left out.
/// </summary>
public sealed class ParameterGroups
{
    public ParameterGroups(IEnumerable<NamedParameter> decay, IEnumerable<NamedParameter> noDecay)
    {
        Decay = decay.ToArray();
        NoDecay = noDecay.ToArray();
        var duplicate = Decay.Concat(NoDecay).GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Parameter '{duplicate.Key}' appears more than once in the groups.");
    }

    public IReadOnlyList<NamedParameter> Decay { get; }

    public IReadOnlyList<NamedParameter> NoDecay { get; }

    /// <summary>Decay group first, then no-decay, each in module order.</summary>
    public IEnumerable<NamedParameter> All => Decay.Concat(NoDecay);

    public static ParameterGroups Split(torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var decay = new List<NamedParameter>();
        var noDecay = new List<NamedParameter>();
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (!parameter.requires_grad)
                continue;
            var target = IsNoDecay(name, parameter) ? noDecay : decay;
            target.Add(new NamedParameter(name, parameter));
        }
        return new ParameterGroups(decay, noDecay);
    }

    /// <summary>The DINO rule: biases and 1-D tensors (norm scales/shifts) are not decayed.</summary>
    public static bool IsNoDecay(string name, torch.Tensor parameter) =>
        name.EndsWith(".bias", StringComparison.Ordinal) || name == "bias" || parameter.dim() == 1;
}
