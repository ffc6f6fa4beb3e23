using BamOrleans.Grains.Steps;
using Orleans.Concurrency;

namespace BamOrleans.Grains.Runs;

/// <summary>
/// One training run, keyed by its run id. Holds the run's settings and status, its membership
/// generation and registered slots, and the step barrier: a step completes when every slot
/// registered in the current generation has reported for it.
/// </summary>
/// <remarks>
/// <para>Settings, status, generation and launch plan are persisted (grain storage on the run's
/// blob store) at every change, so the run outlives its silos; the open step, slots and barrier
/// live in memory and are rebuilt from the latest checkpoint (see <see cref="Launch"/> and
/// <see cref="Recover"/>).</para>
/// <para>Generation rule: every change of the registered slot set (a slot added, removed, or moved to
/// another silo) bumps the generation and reopens the current step from scratch, so the survivors
/// redo it together; messages stamped with the old generation are refused from then on.
/// </remarks>
[Alias("bam.IRunGrain")]
public interface IRunGrain : IGrainWithStringKey
{
    /// <summary>Stores the run's settings. Allowed once, while Created; repeating the same settings is a no-op.</summary>
    [Alias("Create")]
    Task<RunStatusSnapshot> Create(RunSettings settings);

    /// <summary>The stored settings, or null before <see cref="Create"/>.</summary>
    [Alias("GetSettings"), ReadOnly]
    Task<RunSettings?> GetSettings();

    /// <summary>
    /// Lays the run out and starts it: stores <paramref name="settings"/> and <paramref name="plan"/>
    /// (a new run) or checks the settings are the stored ones (an existing run), opens it at its
    /// latest verifying checkpoint if there is one, restores the data pool to the checkpoint's
    /// positions, joins <see cref="RunLaunchPlan.SlotsPerSilo"/> slots on each of the first
    /// <see cref="RunLaunchPlan.Silos"/> active silos and starts. A run already training is left
    /// as it is (the result names its slots). Throws <see cref="InvalidOperationException"/> for a
    /// run that has ended, different settings, a checkpoint of another definition, or too few silos.
    /// </summary>
    [Alias("Launch")]
    Task<RunLaunchResult> Launch(RunSettings settings, RunLaunchPlan plan);

    /// <summary>
    /// Resumes, with its stored plan, a run that was running when its slots were lost (every silo
    /// stopped or died, or the leader it lived on): the same steps as <see cref="Launch"/>, called
    /// by the silos themselves. It waits for as many silos as the plan had, except when live slots
    /// of the run survive or a grace period has passed: then it resumes on the silos there are.
    /// Does nothing for a run that trains or was not running.
    /// </summary>
    [Alias("Recover")]
    Task<RunRecovery> Recover();

    /// <summary>
    /// <paramref name="silo"/> is leaving (an eviction notice, SIGTERM): the run holds at the next
    /// step boundary, where slot 0 checkpoints it, while that silo's slots finish the step in
    /// flight and then unregister. Once every leaving silo's slots are gone the run goes on with
    /// the others, or, when the leaving silo is the one this run lives on (the leader), stays held
    /// and Running in storage, for the next leader to lay it out again from that boundary: no step
    /// is lost either way. A run with no other slots left waits to be resumed. Called by the
    /// leaving silo, which waits for the boundary and its checkpoint (bounded by its deadline).
    /// </summary>
    [Alias("HoldForDeparture")]
    Task<RunStatusSnapshot> HoldForDeparture(SiloAddress silo);

    /// <summary>
    /// Makes the run open at <paramref name="step"/> instead of 0: the run resumes from a
    /// checkpoint taken before that step, so the steps before it count as completed. Allowed only
    /// while no slot is registered and this activation has trained nothing (a new run, or one
    /// read back from storage after its silos were lost); repeating the same step is a no-op.
    /// </summary>
    [Alias("OpenAt")]
    Task<RunStatusSnapshot> OpenAt(long step);

    /// <summary>Registers (or moves) a slot. Bumps the generation unless the slot was already registered on that silo.</summary>
    [Alias("RegisterSlot")]
    Task<SlotRegistration> RegisterSlot(string slotId, SiloAddress silo);

    /// <summary>Removes a slot (it left, or was lost). Bumps the generation if it was registered.</summary>
    [Alias("UnregisterSlot")]
    Task<RunStatusSnapshot> UnregisterSlot(string slotId);

    /// <summary>Removes every slot hosted on a silo declared dead, with one generation bump. Returns the removed slot ids.</summary>
    [Alias("RemoveSlotsOnSilo")]
    Task<IReadOnlyList<string>> RemoveSlotsOnSilo(SiloAddress silo);

    /// <summary>Created or Paused → Running. Needs at least one registered slot.</summary>
    [Alias("Start")]
    Task<RunStatusSnapshot> Start();

    /// <summary>Running → Paused: step messages are refused until <see cref="Start"/>.</summary>
    [Alias("Pause")]
    Task<RunStatusSnapshot> Pause();

    /// <summary>Pauses the run the moment step <paramref name="step"/> − 1 completes, so it stops
    /// exactly at the boundary before <paramref name="step"/> (at once if it is already there).</summary>
    [Alias("PauseAt")]
    Task<RunStatusSnapshot> PauseAt(long step);

    /// <summary>
    /// A user's resume: a paused run goes on. Its slots still in place → it continues at once; no
    /// slot left (the cluster restarted while it was paused, or it was interrupted) → it is laid
    /// out again from its latest checkpoint on the usable active silos, without waiting for more.
    /// A running run is left as it is; a final one throws <see cref="InvalidOperationException"/>.
    /// </summary>
    [Alias("Resume")]
    Task<RunStatusSnapshot> Resume();

    /// <summary>→ Cancelled (final): a user stops the run for good. Its slots stop at the next
    /// look at the run; its checkpoints stay in the store (export them, or delete them yourself).</summary>
    [Alias("Cancel")]
    Task<RunStatusSnapshot> Cancel(string reason);

    /// <summary>The run's timeline, oldest first (the newest <see cref="RunEvents.Kept"/> entries).</summary>
    [Alias("GetEvents"), ReadOnly]
    Task<IReadOnlyList<RunEvent>> GetEvents();

    /// <summary>→ Completed (final).</summary>
    [Alias("Complete")]
    Task<RunStatusSnapshot> Complete();

    /// <summary>→ Failed (final), with the reason kept in the status.</summary>
    [Alias("Fail")]
    Task<RunStatusSnapshot> Fail(string reason);

    /// <summary>
    /// A slot's result for the open step. Accepted only if its stamp names the current generation
    /// and the open step, the run is running, the slot is registered and has not reported yet;
    /// otherwise refused and counted under the reason (see <see cref="StaleMessagePolicy"/>).
    /// </summary>
    [Alias("SubmitStepResult")]
    Task<SubmitOutcome> SubmitStepResult(StepStamp stamp, string slotId, StepPayload payload);

    /// <summary>
    /// Waits (at most <paramref name="timeout"/>) until the step named by the stamp completes, or
    /// is superseded by a membership change. Returns at once for the last completed step. Runs
    /// interleaved with other calls, so waiting never blocks the submissions it waits for.
    /// Keep <paramref name="timeout"/> below the Orleans response timeout (30 s by default).
    /// </summary>
    [Alias("WaitForStep"), AlwaysInterleave]
    Task<StepWaitOutcome> WaitForStep(StepStamp stamp, TimeSpan timeout);

    /// <summary>The last completed step if it is <paramref name="step"/> (of any generation); null otherwise. Only the last one is kept.</summary>
    [Alias("GetStepResult"), ReadOnly]
    Task<StepResult?> GetStepResult(long step);

    /// <summary>A snapshot of status, generation, open step, slots and refusal counters.</summary>
    [Alias("GetStatus"), ReadOnly]
    Task<RunStatusSnapshot> GetStatus();
}
