using KernelModel.Mm;
using KernelModel.Simulation;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Bench;

/// <summary>The profiles, and the services that use them, as kmodel composes them.</summary>
internal static class Profiles
{
    /// <summary>kmodel's composition root: the fleet and machine simulations come from here.</summary>
    public static IServiceProvider Services { get; } = KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services;

    public static ProfileCatalog Catalog { get; } = Services.GetRequiredService<ProfileCatalog>();

    /// <summary>Every registered profile, for [ParamsSource].</summary>
    public static IEnumerable<string> All => Catalog.All.Select(p => p.Name);
}
