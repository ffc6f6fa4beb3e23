using System.Collections.Concurrent;
using BamOrleans.Core.Training;
using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Training;
using BamOrleans.Worker.Runs;
using Serilog;

namespace BamOrleans.Worker.Slots;

/// <summary>
/// This silo's worker slots: creates each slot's replica when its grain asks, keeps it in this
/// process's memory, and stops them all when the silo stops.
/// </summary>
public sealed class SlotHost(IGrainFactory grains, ILocalSiloDetails silo, IDatasetProvider datasets, ILogger log)
    : ISlotHost, IDisposable
{
    private readonly ConcurrentDictionary<string, SlotTrainer> _slots = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _joining = new(1, 1);

    public async Task<SlotReport> Join(string slotId, string runId)
    {
        await _joining.WaitAsync();
        try
        {
            if (_slots.TryGetValue(slotId, out var existing)) return existing.Report();
            var run = grains.GetGrain<IRunGrain>(runId);
            var settings = await run.GetSettings()
                           ?? throw new InvalidOperationException($"run {runId} has no settings: create it (bam CLI) before its slots join.");
            SlotTrainer trainer;
            try
            {
                var definition = RunDefinitionJson.FromSettings(settings);
                // Opening the dataset and building the model take seconds: off the grain scheduler,
                // whose turns must stay short (the calling grain's turn just awaits this).
                trainer = await Task.Run(() =>
                    new SlotTrainer(slotId, runId, silo.SiloAddress, definition, datasets.Open(definition.Dataset), grains, log));
            }
            catch (Exception e) when (e is InvalidConfigurationException or ArgumentException or IOException)
            {
                // The caller is on another silo or a client: send the reason in an exception type
                // every Orleans node can deserialize.
                log.Error(e, "Slot {SlotId} cannot join run {RunId}", slotId, runId);
                throw new InvalidOperationException($"slot {slotId} on {silo.SiloAddress} cannot join run {runId}: {e.Message}");
            }
            await run.RegisterSlot(slotId, silo.SiloAddress);
            _slots[slotId] = trainer;
            trainer.Start();
            log.Information("Slot {SlotId} joined run {RunId} on {Silo}", slotId, runId, silo.SiloAddress);
            return trainer.Report();
        }
        finally
        {
            _joining.Release();
        }
    }

    public async Task<SlotReport> Leave(string slotId)
    {
        var trainer = Get(slotId);
        await Task.Run(trainer.Stop);
        await grains.GetGrain<IRunGrain>(trainer.RunId).UnregisterSlot(slotId);
        _slots.TryRemove(slotId, out _);
        var report = trainer.Report();
        trainer.Dispose();
        log.Information("Slot {SlotId} left run {RunId} after {Steps} steps", slotId, trainer.RunId, report.CompletedSteps);
        return report;
    }

    public SlotReport Report(string slotId) => Get(slotId).Report();

    public IReadOnlyList<SlotStepRecord> History(string slotId, long fromStep) => Get(slotId).History(fromStep);

    public ModelSnapshot Export(string slotId) => Get(slotId).Export();

    private SlotTrainer Get(string slotId) =>
        _slots.TryGetValue(slotId, out var trainer)
            ? trainer
            : throw new InvalidOperationException($"slot {slotId} is not running on {silo.SiloAddress}: call Join first (or the silo restarted and the slot's replica is gone).");

    public void Dispose()
    {
        foreach (var trainer in _slots.Values) trainer.Dispose();
        _slots.Clear();
        _joining.Dispose();
    }
}
