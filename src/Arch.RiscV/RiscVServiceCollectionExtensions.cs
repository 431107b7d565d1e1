using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Arch.RiscV;

/// <summary>DI registration of the RISC-V profiles (riscv64, riscv32, riscv64-upstream).</summary>
public static class RiscVServiceCollectionExtensions
{
    /// <summary>The profile with the seed patch on RV64.</summary>
    public const string Riscv64 = "riscv64";

    /// <summary>The profile with the seed patch on RV32.</summary>
    public const string Riscv32 = "riscv32";

    /// <summary>RV64 without the seed patch.</summary>
    public const string Riscv64Upstream = "riscv64-upstream";

    /// <summary>The three profiles with their options and one-line descriptions.</summary>
    public static IReadOnlyList<Profile> Profiles { get; } =
    [
        Profile(Riscv64, RiscVOptions.Riscv64,
            "RV64 Sv39 with the seed patch: copy_mc_to_kernel = __memcpy_mc (EX_TYPE_FIXUP on every load and store, returns a2), copy_mc_to_user = __asm_copy_to_user"),
        Profile(Riscv32, RiscVOptions.Riscv32,
            "RV32 Sv32 (SZREG 4, PAGE_OFFSET 0xc0000000, at most 1 GiB) with the seed patch"),
        Profile(Riscv64Upstream, RiscVOptions.Riscv64Upstream,
            "RV64 Sv39 without the seed patch: copy_mc_to_kernel is memcpy (__memcpy, no entries), copy_mc_to_user the generic copy_to_user fallback"),
    ];

    /// <summary>Registers the RISC-V profiles (riscv64, riscv32, riscv64-upstream).</summary>
    public static IServiceCollection AddArchRiscV(this IServiceCollection services)
    {
        foreach (var profile in Profiles)
        {
            services.AddSingleton(profile);
        }

        return services;
    }

    private static Profile Profile(string name, RiscVOptions options, string description) =>
        new(name, description + "; poison as a synchronous load access fault [assumed], kernel traps in NMI context (v6.4+), " +
            "user consumption through firmware-first RAS: memory_failure(MF_ACTION_REQUIRED) [assumed]",
            m => new RiscVArchitecture(m, name, options), WithRiscVFaultHandler);

    /// <summary>
    /// RISC-V's mm_fault_error() (arch/riscv/mm/fault.c) answers VM_FAULT_HWPOISON[_LARGE] with do_trap(SIGBUS,
    /// BUS_ADRERR, addr): no BUS_MCEERR_AR, no si_addr_lsb, no console line.
    /// </summary>
    private static MachineConfig WithRiscVFaultHandler(MachineConfig config) =>
        config with { Mm = config.Mm with { HwpoisonFaultSignal = HwpoisonFaultSignal.RiscvDoTrap } };
}
