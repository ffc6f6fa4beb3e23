using BamOrleans.Core.Models;
using static TorchSharp.torch;

namespace BamOrleans.Core.Objectives;

/// <summary>
/// The one seam between a self-supervised objective and the distributed step. The trainer, the
/// aggregator and the checkpoint know an objective only through this interface (and
/// <see cref="IObjectiveLeader"/>, its leader half); BAM, SwAV and PIRL each implement it in one
/// file over their own math.
/// </summary>
/// <remarks>
/// <para>One step, as every objective sees it (DESIGN §3):</para>
/// <list type="number">
/// <item>the slot embeds its B images' V views; <see cref="Outputs"/> turns the normalised rows
/// into the tensor whose gradient the objective defines (the rows themselves, or SwAV's prototype
/// scores), and <see cref="Upload"/> says what goes to the leader (detached);</item>
/// <item>the leader gathers every slot's upload, reads per-image memory when the objective keeps
/// one, and <see cref="IObjectiveLeader.Lead"/> answers each slot;</item>
/// <item><see cref="Share"/> computes the slot's exact share of the global loss and its gradient
/// with respect to the slot's outputs, and optionally a gradient with respect to tensors every
/// slot shares (BAM's columns), which the leader sums and splits back
/// (<see cref="IObjectiveLeader.ReduceShared"/>, then <see cref="OutputGradient"/>);</item>
/// <item>the slot back-propagates outputs.backward(gradient); parameter gradients are averaged over
/// the slots by the generic machinery, so a step on W slots equals one step on the global batch.</item>
/// </list>
/// <para>An objective is a value: built from its options, stateless on the slot (state across
/// steps lives with the leader, the model or the per-image memory), and described by
/// <see cref="Describe"/> so the leader can rebuild it and refuse slots that disagree.</para>
/// </remarks>
public interface ITrainingObjective
{
    /// <summary>The method's name in configs, checkpoints and reports: "bam", "swav", "pirl".</summary>
    string Method { get; }

    /// <summary>Large crops per image; they come first in every batch (view-major rows).</summary>
    int GlobalViews { get; }

    /// <summary>Small crops per image (multi-crop), after the global views.</summary>
    int LocalViews { get; }

    /// <summary>Whether the trainer keeps an EMA teacher whose rows are passed to <see cref="Upload"/> and <see cref="Share"/>.</summary>
    bool UsesTeacher { get; }

    /// <summary>Learned prototype rows the encoder carries for this objective (SwAV); 0 for none.
    /// They are model parameters: trained, averaged, checkpointed and exported with the encoder.</summary>
    int Prototypes { get; }

    /// <summary>Width of the per-image memory the data side keeps for this objective (PIRL's
    /// memory bank); 0 for none.</summary>
    int MemoryWidth(int embeddingWidth);

    /// <summary>Whether <see cref="Share"/> returns gradients for tensors every slot shares, which
    /// then take a second round through the leader.</summary>
    bool SharesGradients { get; }

    /// <summary>The options as canonical text: every slot sends it with its upload (the leader
    /// refuses a step whose slots disagree) and <see cref="ObjectiveCatalog.FromDescription"/>
    /// rebuilds the objective from it on the leader.</summary>
    string Describe();

    /// <summary>On the slot, before the forward pass (SwAV renormalises its prototypes).</summary>
    void BeforeForward(Encoder model, ObjectiveStep step);

    /// <summary>On the slot: the tensor, with autograd, whose gradient <see cref="Share"/> returns,
    /// from the normalised rows (V·B × D, view-major).</summary>
    Tensor Outputs(Encoder model, Tensor rows);

    /// <summary>On the slot: what goes to the leader, detached (the caller copies it to the wire).</summary>
    IReadOnlyList<Tensor> Upload(ObjectiveStep step, SlotForward forward);

    /// <summary>On the slot: its exact share of the global loss, given the leader's answer.</summary>
    ObjectiveShare Share(ObjectiveStep step, SlotForward forward, IReadOnlyList<Tensor> answer);

    /// <summary>On the slot: the gradient to back-propagate from <see cref="SlotForward.Outputs"/>,
    /// with the leader's reduction of the shared gradients when <see cref="SharesGradients"/>.</summary>
    Tensor OutputGradient(ObjectiveStep step, ObjectiveShare share, Tensor? reducedShared);

    /// <summary>On the slot, after the backward pass and before the gradients are averaged
    /// (SwAV drops its prototypes' gradients while they are frozen).</summary>
    void AfterBackward(Encoder model, ObjectiveStep step);

    /// <summary>The leader half, with its state across steps (SwAV's queue).</summary>
    IObjectiveLeader CreateLeader();
}
