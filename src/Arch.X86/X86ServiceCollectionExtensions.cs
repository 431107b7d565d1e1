using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Arch.X86;

/// <summary>DI registration of the x86-64 reference profiles (x86_64, x86_64-fragile).</summary>
public static class X86ServiceCollectionExtensions
{
    /// <summary>Registers the x86-64 reference profiles: x86_64 (current upstream) and x86_64-fragile (the fragile-copy quirk).</summary>
    public static IServiceCollection AddArchX86(this IServiceCollection services)
    {
        services.AddSingleton(new Profile(X86Architecture.ProfileName,
            "x86-64 upstream: copy_mc_enhanced_fast_string (ERMS) with EX_TYPE_DEFAULT_MCE_SAFE; copy-from-user and get_user recovery (kill_me_never)",
            m => new X86Architecture(m, new X86Options(), X86Architecture.ProfileName)));
        services.AddSingleton(new Profile(X86Architecture.FragileProfileName,
            "x86-64 upstream on a Xeon RAS SKU with the fragile-copy quirk (or mce=recovery): copy_mc_fragile, exact byte counts",
            m => new X86Architecture(m, new X86Options { FragileQuirk = true }, X86Architecture.FragileProfileName)));
        return services;
    }
}
