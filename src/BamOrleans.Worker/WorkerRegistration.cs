using BamOrleans.Grains.Runs;
using BamOrleans.Grains.Training;
using BamOrleans.Storage;
using BamOrleans.Worker.Recovery;
using BamOrleans.Worker.Runs;
using BamOrleans.Worker.Slots;
using Microsoft.Extensions.DependencyInjection;

namespace BamOrleans.Worker;

/// <summary>Wires the worker into a silo's services.</summary>
public static class WorkerRegistration
{
    /// <summary>Adds this silo's slot host, run recovery and drain; <paramref name="datasets"/>
    /// opens run datasets here, <paramref name="store"/> holds checkpoints (null: none, runs start
    /// at step 0 and cannot take in silos mid-run). Call after UseOrleans: the hosted services then
    /// start once the silo has joined and stop before it leaves.</summary>
    public static IServiceCollection AddBamWorker(this IServiceCollection services, IDatasetProvider datasets, IBlobStore? store,
        Serilog.ILogger log, BamWorkerOptions? options = null)
    {
        options ??= new BamWorkerOptions();
        services.AddSingleton(options.Membership);
        services.AddSingleton(sp => new SlotHost(sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<ILocalSiloDetails>(), datasets, store, log, options.SlotDevices));
        services.AddSingleton<ISlotHost>(sp => sp.GetRequiredService<SlotHost>());
        services.AddSingleton<IRunResumePoints>(store is null ? new NoResumePoints() : new CheckpointResumePoints(store, log));
        services.AddHostedService(sp => new RunRecoveryService(sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<IClusterMembershipService>(), sp.GetRequiredService<ILocalSiloDetails>(),
            options.RecoveryInterval, log));
        // Hosted services stop in reverse order of registration: registered after Orleans, this
        // drains the slots while the silo can still serve their last calls.
        services.AddHostedService(sp => new SlotHostShutdown(sp.GetRequiredService<SlotHost>(), options.DrainDeadline));
        return services;
    }
}
