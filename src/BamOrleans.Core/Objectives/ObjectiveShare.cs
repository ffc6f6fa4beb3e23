using static TorchSharp.torch;

namespace BamOrleans.Core.Objectives;

/// <summary>A slot's share of a step's loss and its gradients. Owns its tensors.</summary>
/// <param name="Loss">L_w, averaged over the slot's B images: the step's loss is the mean of the W shares.</param>
/// <param name="OutputGradient">∂L_w/∂outputs through this slot's own rows, shaped as the outputs.</param>
/// <param name="SharedGradient">dL_w/d(shared tensors) to send to the leader; null when the objective shares none.</param>
public sealed record ObjectiveShare(double Loss, Tensor OutputGradient, Tensor? SharedGradient) : IDisposable
{
    public void Dispose()
    {
        OutputGradient.Dispose();
        SharedGradient?.Dispose();
    }
}
