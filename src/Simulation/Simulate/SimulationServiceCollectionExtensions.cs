using KernelModel.Mm;
using KernelModel.Simulation.Fleet;
using KernelModel.Simulation.Reports;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Simulation.Simulate;

/// <summary>DI registrations of the hosted simulation: the scenario observer, the terminal, the machine and fleet simulations.</summary>
public static class SimulationServiceCollectionExtensions
{
    /// <summary>Adds the simulation's services (KmodelHost calls this once).</summary>
    public static IServiceCollection AddSimulation(this IServiceCollection services)
    {
        services.AddSingleton(sp => new ScenarioObserver(sp.GetRequiredService<ProfileCatalog>(), sp.GetService<Func<Machine, IMemoryFailure>>(),
            sp.GetService<Func<Machine, IGhes>>()));
        services.AddSingleton(sp =>
        {
            var streams = sp.GetRequiredService<ConsoleStreams>();
            return TerminalInfo.Detect(streams.Out, streams.Error);
        });
        services.AddSingleton<WorkloadCatalog>();
        services.AddSingleton<MachineSimulation>();
        services.AddSingleton<ConsumerCatalog>();
        services.AddSingleton<FleetSimulation>();
        return services;
    }
}
