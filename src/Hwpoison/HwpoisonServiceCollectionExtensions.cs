using KernelModel.Mm;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Hwpoison;

/// <summary>DI registration of memory_failure() and GHES as the machine's handlers.</summary>
public static class HwpoisonServiceCollectionExtensions
{
    /// <summary>Registers memory_failure() and GHES as the machine's handlers.</summary>
    public static IServiceCollection AddHwpoison(this IServiceCollection services) =>
        services
            .AddSingleton<Func<Machine, IMemoryFailure>>(m => new MemoryFailureHandler(m))
            .AddSingleton<Func<Machine, IGhes>>(m => new Ghes(m));
}
