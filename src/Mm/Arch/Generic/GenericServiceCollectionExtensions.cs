using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Mm;

/// <summary>DI registration of the generic fallback profile.</summary>
public static class GenericServiceCollectionExtensions
{
    /// <summary>Registers the <c>generic</c> profile (no ARCH_HAS_COPY_MC).</summary>
    public static IServiceCollection AddGenericProfile(this IServiceCollection services) =>
        services.AddSingleton(new Profile(GenericArchitecture.ProfileName,
            "no ARCH_HAS_COPY_MC: copy_mc_to_kernel is memcpy, any kernel-mode consumption kills the kernel",
            m => new GenericArchitecture(m)));
}
