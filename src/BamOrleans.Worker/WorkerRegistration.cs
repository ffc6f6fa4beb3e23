using BamOrleans.Grains.Training;
using BamOrleans.Worker.Runs;
using BamOrleans.Worker.Slots;
using Microsoft.Extensions.DependencyInjection;

namespace BamOrleans.Worker;

/// <summary>Wires the worker into a silo's services.</summary>
public static class WorkerRegistration
{
    /// <summary>Adds this silo's slot host; <paramref name="datasets"/> opens run datasets here.</summary>
    public static IServiceCollection AddBamWorker(this IServiceCollection services, IDatasetProvider datasets, Serilog.ILogger log)
    {
        services.AddSingleton(sp => new SlotHost(sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<ILocalSiloDetails>(), datasets, log));
        services.AddSingleton<ISlotHost>(sp => sp.GetRequiredService<SlotHost>());
        return services;
    }
}
