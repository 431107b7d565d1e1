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
                m => new Arm64Architecture(m, Arm64Options.Series), WithArm64FaultHandler))
            .AddSingleton(new Profile(Arm64Architecture.UpstreamProfileName,
                "arm64 mainline: no copy_mc; do_sea hands a user-mode abort to GHES, a kernel-mode one dies (panic in interrupt or with panic_on_oops)",
                m => new Arm64Architecture(m, Arm64Options.Upstream), WithArm64FaultHandler));

    /// <summary>
    /// arm64's do_page_fault() (arch/arm64/mm/fault.c) answers VM_FAULT_HWPOISON[_LARGE] with
    /// arm64_force_sig_mceerr(BUS_MCEERR_AR, far, lsb), without x86's "MCE: Killing" line.
    /// </summary>
    private static MachineConfig WithArm64FaultHandler(MachineConfig config) =>
        config with { Mm = config.Mm with { HwpoisonFaultSignal = HwpoisonFaultSignal.Arm64ForceSigMceerr } };
}
