using BamOrleans.Grains.Runs;
using BamOrleans.Tests.Shared;
using BamOrleans.Grains.Steps;

namespace BamOrleans.Cluster.Tests.InProcess;

/// <summary>The run grain's registration, barrier and generation rules, called through a client on three in-process silos.</summary>
[Collection(InProcessClusterCollection.Name)]
public sealed class RunGrainClusterTests(InProcessCluster cluster)
{
    private static readonly RunSettings Settings = new("yaml", "steps: 10\nbatch: 64\n");
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    private IRunGrain NewRun(out string runId)
    {
        runId = $"run-{Guid.NewGuid():N}";
        return cluster.Client.GetGrain<IRunGrain>(runId);
    }

    private static StepPayload Payload(int slot, long step) =>
        new([slot, step, slot * 10f + step], [(byte)slot, (byte)step]);

    /// <summary>Creates a run with one slot per silo ("slot-0" on the first silo...) and starts it.</summary>
    private async Task<(IRunGrain Run, string RunId, SiloAddress[] Silos, StepStamp Stamp)> StartedRunWithSlotPerSilo()
    {
        var run = NewRun(out var runId);
        var silos = await cluster.ActiveSilos();
        Assert.Equal(InProcessCluster.SiloCount, silos.Length);
        await run.Create(Settings);
        SlotRegistration? last = null;
        for (var i = 0; i < silos.Length; i++)
            last = await run.RegisterSlot($"slot-{i}", silos[i]);
        var status = await run.Start();
        Assert.Equal(RunStatus.Running, status.Status);
        Assert.Equal(last!.Current, status.Current);
        return (run, runId, silos, status.Current);
    }

    [Fact]
    public async Task Step_completes_when_every_slot_reported_and_stale_generation_is_refused_without_changing_the_result()
    {
        var (run, runId, silos, stamp) = await StartedRunWithSlotPerSilo();
        Assert.Equal(new StepStamp(runId, Generation: 3, Step: 0), stamp); // one bump per registration

        // All three slots wait on the barrier before anyone reports: waiting must not block submitting.
        var waits = Enumerable.Range(0, 3).Select(_ => run.WaitForStep(stamp, WaitLimit)).ToArray();
        await new Deadline(WaitLimit).Until("three pending waits", async () => (await run.GetStatus()).PendingWaits == 3);
        Assert.False((await run.SubmitStepResult(stamp, "slot-1", Payload(1, 0))).CompletedStep);
        Assert.False((await run.SubmitStepResult(stamp, "slot-0", Payload(0, 0))).CompletedStep);
        Assert.Equal(["slot-0", "slot-1"], (await run.GetStatus()).ReportedSlots);
        var last = await run.SubmitStepResult(stamp, "slot-2", Payload(2, 0));
        Assert.True(last.Accepted);
        Assert.True(last.CompletedStep);
        Assert.Equal(stamp with { Step = 1 }, last.Current);

        var step0 = await run.GetStepResult(0);
        Assert.NotNull(step0);
        Assert.Equal(stamp, step0.Stamp);
        Assert.Equal(["slot-0", "slot-1", "slot-2"], step0.Contributions.Select(c => c.SlotId));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Payload(i, 0).Floats, step0.Contributions[i].Payload.Floats);
            Assert.Equal(Payload(i, 0).Bytes, step0.Contributions[i].Payload.Bytes);
        }
        foreach (var wait in await Task.WhenAll(waits))
        {
            Assert.Equal(StepWaitStatus.Completed, wait.Status);
            Assert.Equal(stamp, wait.Result!.Stamp);
        }

        // The third silo is declared dead: its slot leaves, the generation moves on.
        Assert.Equal(["slot-2"], await run.RemoveSlotsOnSilo(silos[2]));
        var afterLoss = await run.GetStatus();
        Assert.Equal(new StepStamp(runId, Generation: 4, Step: 1), afterLoss.Current);
        Assert.Equal(["slot-0", "slot-1"], afterLoss.Slots.Keys.Order());

        // The lost slot comes back with its old stamp, and a survivor sends a message that crossed
        // the membership change: both refused, counted, and mixed into nothing.
        var oldGeneration = stamp with { Step = 1 };
        var comeback = await run.SubmitStepResult(oldGeneration, "slot-2", Payload(2, 1));
        Assert.Equal(RefusalReason.StaleGeneration, comeback.Refusal);
        Assert.Equal(afterLoss.Current, comeback.Current);
        Assert.Equal(RefusalReason.StaleGeneration, (await run.SubmitStepResult(oldGeneration, "slot-0", Payload(0, 1))).Refusal);

        var status = await run.GetStatus();
        Assert.Equal(2, status.RefusalsFor(RefusalReason.StaleGeneration));
        Assert.Equal(2, status.TotalRefusals);
        Assert.Empty(status.ReportedSlots);
        Assert.Equal(1, status.CompletedSteps);
        var unchanged = await run.GetStepResult(0);
        Assert.Equal(step0.Stamp, unchanged!.Stamp);
        Assert.Equal(step0.Contributions.Select(c => c.Payload.Floats), unchanged.Contributions.Select(c => c.Payload.Floats));

        // The survivors complete the next step under the new generation.
        var current = status.Current;
        Assert.True((await run.SubmitStepResult(current, "slot-0", Payload(0, 1))).Accepted);
        var closing = await run.SubmitStepResult(current, "slot-1", Payload(1, 1));
        Assert.True(closing.CompletedStep);
        var step1 = await run.GetStepResult(1);
        Assert.Equal(current, step1!.Stamp);
        Assert.Equal(["slot-0", "slot-1"], step1.Contributions.Select(c => c.SlotId));
        Assert.Equal(2, (await run.GetStatus()).CompletedSteps);
    }

    [Fact]
    public async Task A_run_resumed_from_a_checkpoint_opens_at_its_step_and_cannot_move_once_started()
    {
        var run = cluster.Client.GetGrain<IRunGrain>($"run-{Guid.NewGuid():N}");
        await run.Create(Settings);
        var opened = await run.OpenAt(5);
        Assert.Equal(5, opened.Current.Step);
        Assert.Equal(5, opened.CompletedSteps);
        Assert.Equal(5, (await run.OpenAt(5)).Current.Step); // a retry is a no-op

        var silo = (await cluster.ActiveSilos())[0];
        var stamp = (await run.RegisterSlot("slot-0", silo)).Current;
        Assert.Equal(5, stamp.Step);
        await run.Start();
        Assert.Equal(RefusalReason.StaleStep, (await run.SubmitStepResult(stamp with { Step = 4 }, "slot-0", StepPayload.Empty)).Refusal);
        Assert.True((await run.SubmitStepResult(stamp, "slot-0", StepPayload.Empty)).CompletedStep);
        var status = await run.GetStatus();
        Assert.Equal(6, status.CompletedSteps);
        Assert.Equal(6, status.Current.Step);

        var moved = await Assert.ThrowsAsync<InvalidOperationException>(() => run.OpenAt(2));
        Assert.Contains("only before its slots join", moved.Message);

        // Pausing at a boundary: step 6 completes, then the run stops before step 7.
        await run.PauseAt(7);
        Assert.True((await run.SubmitStepResult(status.Current, "slot-0", StepPayload.Empty)).CompletedStep);
        var paused = await run.GetStatus();
        Assert.Equal(RunStatus.Paused, paused.Status);
        Assert.Equal(7, paused.Current.Step);
        Assert.Equal(RefusalReason.NotRunning, (await run.SubmitStepResult(paused.Current, "slot-0", StepPayload.Empty)).Refusal);
    }

    [Fact]
    public async Task Membership_change_mid_step_drops_partial_reports_and_releases_waiters()
    {
        var (run, runId, silos, stamp) = await StartedRunWithSlotPerSilo();
        Assert.True((await run.SubmitStepResult(stamp, "slot-0", Payload(0, 0))).Accepted);
        var waiting = run.WaitForStep(stamp, WaitLimit);
        // Calls are not ordered: make sure the wait is in place before membership changes
        // (a wait arriving after the change is refused as stale generation instead).
        await new Deadline(WaitLimit).Until("the wait to be pending", async () => (await run.GetStatus()).PendingWaits == 1);

        // A fourth slot joins on the first silo: the step restarts for the new membership.
        var joined = await run.RegisterSlot("slot-3", silos[0]);
        Assert.True(joined.GenerationChanged);
        Assert.Equal(new StepStamp(runId, stamp.Generation + 1, 0), joined.Current);
        var released = await waiting;
        Assert.Equal(StepWaitStatus.Superseded, released.Status);
        Assert.Equal(joined.Current, released.Current);
        Assert.Equal(0, (await run.GetStatus()).PendingWaits);
        Assert.Empty((await run.GetStatus()).ReportedSlots);

        // Re-registering the same slot on the same silo changes nothing.
        Assert.False((await run.RegisterSlot("slot-3", silos[0])).GenerationChanged);

        // The old report no longer counts: the step completes only when all four report anew.
        for (var i = 0; i < 3; i++)
            Assert.False((await run.SubmitStepResult(joined.Current, $"slot-{i}", Payload(i, 0))).CompletedStep);
        Assert.True((await run.SubmitStepResult(joined.Current, "slot-3", Payload(3, 0))).CompletedStep);
        var result = await run.GetStepResult(0);
        Assert.Equal(joined.Current, result!.Stamp);
        Assert.Equal(4, result.Contributions.Count);
        Assert.Equal(0, (await run.GetStatus()).TotalRefusals);
    }

    [Fact]
    public async Task Duplicates_future_and_late_steps_unknown_slots_and_paused_runs_are_refused_and_counted()
    {
        var (run, runId, _, stamp) = await StartedRunWithSlotPerSilo();

        Assert.True((await run.SubmitStepResult(stamp, "slot-0", Payload(0, 0))).Accepted);
        Assert.Equal(RefusalReason.Duplicate, (await run.SubmitStepResult(stamp, "slot-0", Payload(9, 9))).Refusal);
        Assert.Equal(RefusalReason.FutureStep, (await run.SubmitStepResult(stamp with { Step = 1 }, "slot-1", Payload(1, 1))).Refusal);
        Assert.Equal(RefusalReason.FutureGeneration, (await run.SubmitStepResult(stamp with { Generation = 99 }, "slot-1", Payload(1, 0))).Refusal);
        Assert.Equal(RefusalReason.UnknownSlot, (await run.SubmitStepResult(stamp, "slot-7", Payload(7, 0))).Refusal);
        Assert.Equal(RefusalReason.WrongRun, (await run.SubmitStepResult(stamp with { RunId = "another" }, "slot-1", Payload(1, 0))).Refusal);
        Assert.True((await run.SubmitStepResult(stamp, "slot-1", Payload(1, 0))).Accepted);
        Assert.True((await run.SubmitStepResult(stamp, "slot-2", Payload(2, 0))).CompletedStep);

        // The duplicate did not replace the first report.
        Assert.Equal(Payload(0, 0).Floats, (await run.GetStepResult(0))!.Contributions[0].Payload.Floats);
        // A late copy of the completed step.
        Assert.Equal(RefusalReason.StaleStep, (await run.SubmitStepResult(stamp, "slot-2", Payload(2, 0))).Refusal);

        await run.Pause();
        var next = stamp with { Step = 1 };
        Assert.Equal(RefusalReason.NotRunning, (await run.SubmitStepResult(next, "slot-0", Payload(0, 1))).Refusal);
        await run.Start();
        Assert.True((await run.SubmitStepResult(next, "slot-0", Payload(0, 1))).Accepted);

        var status = await run.GetStatus();
        Assert.Equal(7, status.TotalRefusals);
        foreach (var reason in new[] { RefusalReason.Duplicate, RefusalReason.FutureStep, RefusalReason.FutureGeneration,
                     RefusalReason.UnknownSlot, RefusalReason.WrongRun, RefusalReason.StaleStep, RefusalReason.NotRunning })
            Assert.Equal(1, status.RefusalsFor(reason));
        Assert.Equal(0, status.RefusalsFor(RefusalReason.StaleGeneration));
        Assert.Equal(runId, status.RunId);
    }

    [Fact]
    public async Task Lifecycle_keeps_settings_and_refuses_invalid_moves()
    {
        var run = NewRun(out _);
        Assert.Null(await run.GetSettings());
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.Start()); // no settings yet
        await run.Create(Settings);
        await run.Create(Settings); // same settings again: no-op
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.Create(Settings with { Document = "other" }));
        Assert.Equal(Settings, await run.GetSettings());
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.Start()); // no slot yet

        var registration = await run.RegisterSlot("slot-0", (await cluster.ActiveSilos())[0]);
        Assert.Equal(RunStatus.Running, (await run.Start()).Status);
        var waiting = run.WaitForStep(registration.Current, WaitLimit);
        await new Deadline(WaitLimit).Until("the wait to be pending", async () => (await run.GetStatus()).PendingWaits == 1);
        var failed = await run.Fail("out of memory on every slot");
        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal("out of memory on every slot", failed.FailureReason);
        Assert.Equal(StepWaitStatus.RunEnded, (await waiting).Status);
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.Start());
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.Complete());
        var otherSilo = (await cluster.ActiveSilos())[1];
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.RegisterSlot("slot-1", otherSilo));
        Assert.Equal(RefusalReason.NotRunning,
            (await run.SubmitStepResult(registration.Current, "slot-0", StepPayload.Empty)).Refusal);
    }

    [Fact]
    public async Task Waiting_times_out_with_the_step_still_open_and_refuses_stamps_of_other_positions()
    {
        var (run, _, _, stamp) = await StartedRunWithSlotPerSilo();
        var timedOut = await run.WaitForStep(stamp, TimeSpan.FromMilliseconds(200));
        Assert.Equal(StepWaitStatus.TimedOut, timedOut.Status);
        Assert.Equal(stamp, timedOut.Current);
        var future = await run.WaitForStep(stamp with { Step = 5 }, WaitLimit);
        Assert.Equal(StepWaitStatus.Refused, future.Status);
        Assert.Equal(RefusalReason.FutureStep, future.Refusal);
        Assert.Equal(0, (await run.GetStatus()).TotalRefusals); // waits are not step messages
    }
}
