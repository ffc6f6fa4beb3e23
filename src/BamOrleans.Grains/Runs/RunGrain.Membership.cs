using BamOrleans.Grains.Training;
using Microsoft.Extensions.Logging;

namespace BamOrleans.Grains.Runs;

/// <summary>
/// How a run follows its cluster (DESIGN §5): a timer compares the slots with the membership view;
/// slots on a silo no longer active are dropped (new generation: the survivors redo the open step,
/// and the data pool hands the lost slots' leases on at their exact positions); a new silo is
/// admitted at a step boundary, from a checkpoint of that boundary; a leaving leader hands the run
/// over at a boundary; a run whose slots are all gone waits to be laid out again.
/// </summary>
internal sealed partial class RunGrain
{
    private RunHold _hold;
    private DateTime _holdSince;
    private Admission? _admission;
    private readonly HashSet<SiloAddress> _departing = [];
    // Silos that announced leaving: still listed as active until Orleans stops them, never admitted again.
    private readonly HashSet<SiloAddress> _departed = [];
    private DateTime _nextRecoveryAttempt = DateTime.MinValue;
    private readonly Dictionary<SiloAddress, DateTime> _admissionFailedAt = new();

    /// <summary>Why a run is paused at a boundary while storage says it runs.</summary>
    private enum RunHold
    {
        None,
        /// <summary>For new silos' slots to join from the boundary's checkpoint.</summary>
        Admission,
        /// <summary>For leaving silos' slots to finish their step and unregister; then the run goes on.</summary>
        Departure,
        /// <summary>For the leader's silo to leave: the next leader lays the run out from the boundary's checkpoint.</summary>
        Handover,
    }

    /// <param name="Silos">The silos whose slots join.</param>
    /// <param name="AtStep">The boundary they join at.</param>
    /// <param name="Since">When the hold was asked for.</param>
    private sealed record Admission(IReadOnlyList<SiloAddress> Silos, long AtStep, DateTime Since);

    private void StartWatchingMembership() =>
        this.RegisterGrainTimer(WatchMembership, new GrainTimerCreationOptions(options.WatchPeriod, options.WatchPeriod)
        {
            KeepAlive = true,
        });

    /// <summary>One look at the cluster. Runs as a turn of this grain, so it never interleaves
    /// with a step's submission or a launch half-way.</summary>
    private async Task WatchMembership(CancellationToken cancellation)
    {
        if (RunLifecycle.IsFinal(_status)) return;
        if (_interrupted)
        {
            if (_roster.Count == 0 && _plan is not null) await RecoverQuietly();
            return;
        }
        if (_roster.Count == 0) return;

        var view = membership.CurrentSnapshot;
        foreach (var silo in ElasticMembership.LostSilos(_roster.Snapshot(), view))
            await RemoveSlotsOnSilo(silo);
        if (_roster.Count == 0) return;
        if (_hold is RunHold.Departure or RunHold.Handover)
        {
            // A leaving silo that never unregisters (it died draining) must not hold the run forever.
            if (DateTime.UtcNow - _holdSince > options.AdmissionTimeout)
            {
                logger.LogWarning("Run {RunId}: silo(s) {Silos} announced leaving {Timeout} ago and did not; going on", RunId, _departing, options.AdmissionTimeout);
                await ResumeAfterHold();
            }
            return;
        }

        if (_admission is not null)
        {
            await AdvanceAdmission(_admission);
            return;
        }
        if (_status != RunStatus.Running || _plan is null) return;
        var change = ElasticMembership.Decide(_roster.Snapshot(), WithoutUnfitSilos(view), _plan);
        if (change.StandAside.Count > 0) await StandAside(change.StandAside);
        else if (change.Admit.Count > 0 && resumePoints.IsAvailable) BeginAdmission(change.Admit);
    }

    public async Task<RunRecovery> Recover()
    {
        if (!_interrupted || _roster.Count > 0) return new RunRecovery(RecoveryStatus.NotNeeded, $"run {RunId} is {_status}");
        if (_plan is null || _settings is null)
            return new RunRecovery(RecoveryStatus.NotNeeded, $"run {RunId} has no stored launch plan; launch it again from a client");
        var view = membership.CurrentSnapshot;
        var active = RunSlotLayout.ActiveCount(view);
        var usable = ElasticMembership.UsableSilos(_plan.Pool.GlobalBatch, _plan.SlotsPerSilo, active, _plan.Silos);
        if (usable == 0)
            return new RunRecovery(RecoveryStatus.WaitingForSilos, $"run {RunId} has no active silo to resume on: start a bam-silo");
        if (usable < _plan.Silos && DateTime.UtcNow - _interruptedSince < options.RecoveryGrace && !await SurvivorsPresent())
            return new RunRecovery(RecoveryStatus.WaitingForSilos,
                $"run {RunId} was laid out on {_plan.Silos} silos and {active} are active: it resumes when {Math.Max(1, _plan.Silos - active)} more join, or on {usable} after {options.RecoveryGrace.TotalSeconds:F0} s");
        if (DateTime.UtcNow < _nextRecoveryAttempt)
            return new RunRecovery(RecoveryStatus.WaitingForSilos, $"run {RunId} failed to lay out a moment ago; it tries again shortly");
        RunLaunchResult result;
        try
        {
            result = await LayOut(_plan, "recovered", usable);
        }
        catch (Exception)
        {
            // A join failed (a silo died while joining, a checkpoint unreadable): not every tick.
            _nextRecoveryAttempt = DateTime.UtcNow + RecoveryRetryPause;
            throw;
        }
        return new RunRecovery(RecoveryStatus.Resumed,
            $"run {RunId} resumed at step {result.Status.Current.Step} on {result.SlotKeys.Count} slots");
    }

    public Task<RunStatusSnapshot> HoldForDeparture(SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        _departed.Add(silo);
        var holdsSlots = _roster.Snapshot().Values.Contains(silo);
        if (!holdsSlots || RunLifecycle.IsFinal(_status) || (_status != RunStatus.Running && _hold == RunHold.None))
            return Task.FromResult(Snapshot());
        var handover = silo.Equals(GrainContext.Address.SiloAddress) || _hold == RunHold.Handover;
        if (_hold == RunHold.Admission) _admission = null; // the joining silos are tried again after
        _departing.Add(silo);
        _hold = handover ? RunHold.Handover : RunHold.Departure;
        if (handover)
        {
            _handingOver = true;
            Record(RunEventKind.SiloLeft, $"silo {silo.Endpoint}, where the run lives (the leader), is leaving: the next leader takes the run over at the boundary before step {_barrier.Position.Step + 1}");
        }
        _holdSince = DateTime.UtcNow;
        if (_status == RunStatus.Running) _pauseAt = _barrier.Position.Step + 1;
        logger.LogWarning(handover
                ? "Run {RunId}: silo {Silo}, where the run lives, is leaving; the run holds after step {Step} for the next leader to take it over from that boundary's checkpoint"
                : "Run {RunId}: silo {Silo} is leaving; the run holds after step {Step} while its slots finish and leave",
            RunId, silo, _barrier.Position.Step);
        return PersistThenSnapshot(statusChanged: false);
    }

    /// <summary>After slots left: once no leaving silo has slots any more, a departure hold ends
    /// and the run goes on with the others (a handover hold stays, for the next leader).</summary>
    private async Task AfterSlotsLeft()
    {
        // A leaving leader's departure was recorded when it announced it (see HoldForDeparture).
        foreach (var gone in _departing.Where(s => _hold == RunHold.Departure && !_roster.Snapshot().Values.Contains(s)))
            Record(RunEventKind.SiloLeft, $"silo {gone.Endpoint} left after its eviction notice, its slots handed back at step {_barrier.Position.Step}");
        _departing.RemoveWhere(s => !_roster.Snapshot().Values.Contains(s));
        if (_roster.Count == 0 || _hold != RunHold.Departure || _departing.Count > 0) return;
        logger.LogInformation("Run {RunId}: the leaving silos' slots are gone; going on with {Count} slots", RunId, _roster.Count);
        await ResumeAfterHold();
    }

    /// <summary>The run's slots are all gone while it trained: it counts as paused, stays
    /// Running in storage, and is laid out again by <see cref="Recover"/>.</summary>
    private void InterruptIfTraining(string why, RunEventKind kind)
    {
        if (RunLifecycle.IsFinal(_status) || (_status != RunStatus.Running && _hold == RunHold.None)) return;
        Record(kind, $"{why}; the run waits to be resumed from its latest checkpoint");
        CancelHold();
        _status = RunStatus.Paused;
        _interrupted = true;
        _interruptedSince = DateTime.UtcNow;
        logger.LogWarning("Run {RunId} interrupted at step {Step}: {Why}; it resumes from its latest checkpoint when silos are active", RunId, _barrier.Position.Step, why);
    }

    private async Task RecoverQuietly()
    {
        try
        {
            var outcome = await Recover();
            if (outcome.Status == RecoveryStatus.Resumed) logger.LogInformation("{Detail}", outcome.Detail);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Run {RunId} could not be laid out again yet; retrying in {Pause}", RunId, RecoveryRetryPause);
        }
    }

    private static readonly TimeSpan RecoveryRetryPause = TimeSpan.FromSeconds(5);

    /// <summary>Whether slots of this run still train on an active silo (the leader alone was
    /// lost): they hold the run's state, so the run resumes on them without waiting for more.</summary>
    private async Task<bool> SurvivorsPresent()
    {
        var silos = LeaderElectionActive();
        var keys = RunSlotLayout.SlotKeys(RunId, _plan!, silos);
        var probes = keys.Select(async key =>
        {
            try
            {
                var report = await GrainFactory.GetGrain<IWorkerSlotGrain>(key).GetReport().WaitAsync(TimeSpan.FromSeconds(2));
                return report.State is SlotState.Waiting or SlotState.Training;
            }
            catch (Exception e)
            {
                // No such slot on that silo (yet), or the silo does not answer.
                logger.LogInformation("Run {RunId}: no live slot {SlotId} ({Reason})", RunId, key, e.Message);
                return false;
            }
        });
        return (await Task.WhenAll(probes)).Any(alive => alive);
    }

    private IReadOnlyList<SiloAddress> LeaderElectionActive() =>
        Placement.LeaderElection.ActiveSilos(membership.CurrentSnapshot).Distinct().ToList();

    private void BeginAdmission(IReadOnlyList<SiloAddress> silos)
    {
        var atStep = _barrier.Position.Step + 1;
        if (_plan is { } plan && atStep >= plan.PlannedSteps) return;
        _admission = new Admission(silos, atStep, DateTime.UtcNow);
        _hold = RunHold.Admission;
        _holdSince = DateTime.UtcNow;
        _pauseAt = atStep;
        logger.LogInformation("Run {RunId}: silo(s) {Silos} join at step {Step}; the run holds there while slot 0 checkpoints it",
            RunId, silos, atStep);
    }

    /// <summary>Once the run holds at the boundary and its checkpoint is committed, the new slots
    /// join (loading it) and the run goes on; past the time limit it goes on without them.</summary>
    private async Task AdvanceAdmission(Admission admission)
    {
        var held = _status == RunStatus.Paused && _hold == RunHold.Admission && _barrier.Position.Step == admission.AtStep;
        if (held && await resumePoints.HasCheckpointAt(RunId, admission.AtStep))
        {
            var keys = RunSlotLayout.SlotKeys(RunId, _plan!, admission.Silos);
            try
            {
                await JoinAll(keys);
                Record(RunEventKind.SiloJoined, $"silo(s) {string.Join(", ", admission.Silos.Select(s => s.Endpoint))} joined with {keys.Count} slot(s) at step {admission.AtStep}");
                logger.LogInformation("Run {RunId}: {Slots} slot(s) on {Silos} joined at step {Step}; generation {Generation} with {Count} slots",
                    RunId, keys.Count, admission.Silos, admission.AtStep, _roster.Generation, _roster.Count);
            }
            catch (Exception e)
            {
                foreach (var silo in admission.Silos) _admissionFailedAt[silo] = DateTime.UtcNow;
                logger.LogWarning("Run {RunId}: silo(s) {Silos} could not join ({Reason}); going on without them, retried in {Backoff}",
                    RunId, admission.Silos, e.Message, options.AdmissionBackoff);
            }
            await ResumeAfterHold();
            return;
        }
        if (DateTime.UtcNow - admission.Since < options.AdmissionTimeout) return;
        foreach (var silo in admission.Silos) _admissionFailedAt[silo] = DateTime.UtcNow;
        logger.LogWarning("Run {RunId}: no checkpoint at step {Step} after {Timeout}; going on without silo(s) {Silos}",
            RunId, admission.AtStep, options.AdmissionTimeout, admission.Silos);
        await ResumeAfterHold();
    }

    private async Task ResumeAfterHold()
    {
        var wasHeld = _status == RunStatus.Paused && _hold != RunHold.None;
        CancelHold();
        if (wasHeld) await Start();
        else await Persist(statusChanged: false);
    }

    /// <summary>Slots on these silos leave (their silos stay, as standbys): the slots left split
    /// the global batch evenly again.</summary>
    private async Task StandAside(IReadOnlyList<SiloAddress> silos)
    {
        var leaving = new List<string>();
        foreach (var silo in silos) leaving.AddRange(_roster.RemoveSilo(silo));
        if (leaving.Count == 0) return;
        logger.LogWarning("Run {RunId}: {Count} slots cannot split the global batch of {Batch}; slots {SlotIds} stand aside",
            RunId, _roster.Count + leaving.Count, _plan!.Pool.GlobalBatch, leaving);
        OnMembershipChanged();
        await Persist(statusChanged: false);
        // Not awaited: leaving stops a replica (seconds) and calls back into this grain.
        foreach (var key in leaving)
            _ = GrainFactory.GetGrain<IWorkerSlotGrain>(key).Leave().ContinueWith(
                t => logger.LogWarning(t.Exception, "Run {RunId}: slot {SlotId} did not leave cleanly", RunId, key),
                TaskContinuationOptions.OnlyOnFaulted);
    }

    private void CancelHold()
    {
        if (_hold != RunHold.None && _pauseAt is not null) _pauseAt = null;
        _hold = RunHold.None;
        _admission = null;
        _departing.Clear();
        _handingOver = false;
    }

    /// <summary>The view without silos that are leaving (they look active until Orleans stops
    /// them) or whose admission failed recently, so a silo that cannot take a slot is not retried
    /// on every look.</summary>
    private ClusterMembershipSnapshot WithoutUnfitSilos(ClusterMembershipSnapshot view)
    {
        var now = DateTime.UtcNow;
        foreach (var (silo, at) in _admissionFailedAt.ToList())
            if (now - at > options.AdmissionBackoff) _admissionFailedAt.Remove(silo);
        if (_admissionFailedAt.Count == 0 && _departed.Count == 0) return view;
        var members = view.Members.Where(m => !_admissionFailedAt.ContainsKey(m.Key) && !_departed.Contains(m.Key)).ToDictionary();
        return new ClusterMembershipSnapshot(System.Collections.Immutable.ImmutableDictionary.CreateRange(members), view.Version);
    }
}
