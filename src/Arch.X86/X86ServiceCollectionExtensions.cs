using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Arch.X86;

/// <summary>DI registration of the x86-64 reference profile (x86_64).</summary>
public static class X86ServiceCollectionExtensions
{
    /// <summary>Registers the x86-64 reference profile (x86_64).</summary>
    public static IServiceCollection AddArchX86(this IServiceCollection services) => services;
}
