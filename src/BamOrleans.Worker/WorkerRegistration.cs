using BamOrleans.Grains.Training;
using BamOrleans.Storage;
using BamOrleans.Worker.Runs;
using BamOrleans.Worker.Slots;
using Microsoft.Extensions.DependencyInjection;

namespace BamOrleans.Worker;

/// <summary>Wires the worker into a silo's services.</summary>
public static class WorkerRegistration
{
    /// <summary>Adds this silo's slot host; <paramref name="datasets"/> opens run datasets here,
    /// <paramref name="store"/> holds checkpoints (null: none).</summary>
    public static IServiceCollection AddBamWorker(this IServiceCollection services, IDatasetProvider datasets, IBlobStore? store, Serilog.ILogger log)
    {
        services.AddSingleton(sp => new SlotHost(sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<ILocalSiloDetails>(), datasets, store, log));
        services.AddSingleton<ISlotHost>(sp => sp.GetRequiredService<SlotHost>());
        // Hosted services stop in reverse order of registration: registered after Orleans, this
        // stops the slots while the silo can still serve their last calls.
        services.AddHostedService(sp => new SlotHostShutdown(sp.GetRequiredService<SlotHost>()));
        return services;
    }
}
