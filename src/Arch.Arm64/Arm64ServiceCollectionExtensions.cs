using KernelModel.Mm;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Arch.Arm64;

/// <summary>DI registration of the arm64 profiles (arm64, arm64-upstream).</summary>
public static class Arm64ServiceCollectionExtensions
{
    /// <summary>Registers the arm64 profiles (arm64, arm64-upstream).</summary>
    public static IServiceCollection AddArchArm64(this IServiceCollection services) =>
        services
            .AddSingleton(new Profile(Arm64Architecture.ProfileName,
                "arm64 with the ARCH_HAS_COPY_MC series v14 (v13 code where v14 is unpublished): memcpy_mc, copy_to_user and " +
                "copy_mc_page recover after a GHES claim, else the kernel dies; extable EX_TYPE_KACCESS_ERR_ZERO reuse [assumed]; no MOPS, no MTE",
                m => new Arm64Architecture(m, Arm64Options.Series)))
            .AddSingleton(new Profile(Arm64Architecture.UpstreamProfileName,
                "arm64 mainline: no copy_mc; do_sea hands a user-mode abort to GHES, a kernel-mode one dies (panic in interrupt or with panic_on_oops)",
                m => new Arm64Architecture(m, Arm64Options.Upstream)));
}
