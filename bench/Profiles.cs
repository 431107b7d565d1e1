using KernelModel.Mm;
using KernelModel.Simulation;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Bench;

/// <summary>The profiles as kmodel composes them.</summary>
internal static class Profiles
{
    public static ProfileCatalog Catalog { get; } =
        KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services.GetRequiredService<ProfileCatalog>();

    /// <summary>Every registered profile, for [ParamsSource].</summary>
    public static IEnumerable<string> All => Catalog.All.Select(p => p.Name);
}
