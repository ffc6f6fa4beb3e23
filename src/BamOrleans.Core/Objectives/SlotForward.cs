using static TorchSharp.torch;

namespace BamOrleans.Core.Objectives;

/// <summary>What a slot computed in its forward pass, handed to the objective.</summary>
/// <param name="Rows">The normalised student rows (V·B × D, view-major), with autograd.</param>
/// <param name="Outputs">The objective's <see cref="ITrainingObjective.Outputs"/> of those rows, with autograd.</param>
/// <param name="TeacherRows">The EMA teacher's normalised rows of the same views, when the objective uses one.</param>
/// <param name="Model">The slot's replica (SwAV reads its prototypes).</param>
public sealed record SlotForward(Tensor Rows, Tensor Outputs, Tensor? TeacherRows, Models.Encoder Model);
