using KernelModel.Arch.Arm64;
using KernelModel.Arch.RiscV;
using KernelModel.Arch.X86;
using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios;

/// <summary>
/// What the references say each profile's kernel does, for the scenarios to declare their expectations from
/// (never from what the model happens to do): whether it has ARCH_HAS_COPY_MC, how it dies when a kernel load with
/// no fixup consumes poison, how its page-fault handler signals VM_FAULT_HWPOISON, and whether firmware-first error
/// handling queues a consumed page itself. A table, one row per profile; a profile that is not in it cannot be
/// judged, so its scenarios fail loudly until someone describes it here.
/// </summary>
public static class ProfileFacts
{
    private static readonly Row[] Table =
    [
        // include/linux/uaccess.h, highmem.h: without copy_mc_to_kernel the helpers are plain copies; the generic
        // profile's trap dies in process context: die() kills the task unless panic_on_oops.
        new(GenericArchitecture.ProfileName, HasCopyMc: false, KernelDeath.Oops, FaultSignal.DoSigbus, GhesQueuesKernelConsumption: false),

        // The seed patch (arch-copy-mc.md 5): every copy_mc load has a fixup; a kernel load without one dies in
        // do_trap_error(), which since v6.4 runs as an NMI (RiscVOptions.KernelTrapsEnterNmi): die() panics with
        // "Fatal exception in interrupt". mm_fault_error() signals hwpoison faults as BUS_ADRERR.
        new(RiscVServiceCollectionExtensions.Riscv64, HasCopyMc: true, KernelDeath.Panic, FaultSignal.RiscvDoTrap, GhesQueuesKernelConsumption: false),
        new(RiscVServiceCollectionExtensions.Riscv32, HasCopyMc: true, KernelDeath.Panic, FaultSignal.RiscvDoTrap, GhesQueuesKernelConsumption: false),
        new(RiscVServiceCollectionExtensions.Riscv64Upstream, HasCopyMc: false, KernelDeath.Panic, FaultSignal.RiscvDoTrap, GhesQueuesKernelConsumption: false),

        // arm64 (kernel-paths.md 12, arch-copy-mc.md 4.4/4.9): do_sea() -> die() oopses in process context and kills
        // the task. The series recovers after apei_claim_sea(): GHES handles the claimed SEA and, with the v14 gate,
        // queues memory_failure(pfn, 0) for a kernel-mode consumption (ghes_do_memory_failure); the series' own
        // copy_mc_[user_]highpage queue nothing.
        new(Arm64Architecture.ProfileName, HasCopyMc: true, KernelDeath.Oops, FaultSignal.Arm64ForceSigMceerr, GhesQueuesKernelConsumption: true),
        new(Arm64Architecture.UpstreamProfileName, HasCopyMc: false, KernelDeath.Oops, FaultSignal.Arm64ForceSigMceerr, GhesQueuesKernelConsumption: false),

        // x86-64 (kernel-paths.md 9, 12): a kernel load with no MCE-safe fixup is IN_KERNEL severity: mce_panic.
        new(X86Architecture.ProfileName, HasCopyMc: true, KernelDeath.Panic, FaultSignal.DoSigbus, GhesQueuesKernelConsumption: false),
        new(X86Architecture.FragileProfileName, HasCopyMc: true, KernelDeath.Panic, FaultSignal.DoSigbus, GhesQueuesKernelConsumption: false),
    ];

    private enum KernelDeath
    {
        Oops,
        Panic,
    }

    private enum FaultSignal
    {
        DoSigbus,
        Arm64ForceSigMceerr,
        RiscvDoTrap,
    }

    /// <summary>The profiles described here.</summary>
    public static IEnumerable<string> Profiles => Table.Select(r => r.Name);

    /// <summary>CONFIG_ARCH_HAS_COPY_MC: copy_mc_to_kernel and the copy_mc_[user_]highpage helpers survive poison.</summary>
    /// <exception cref="ArgumentException">A profile not described here.</exception>
    public static bool HasCopyMc(string profile) => Of(profile).HasCopyMc;

    /// <summary>
    /// How the kernel ends when a kernel load that no fixup covers consumes poison (a plain page copy on a profile
    /// without copy_mc): a panic, or an oops that kills the task in the kernel (kernel.panic_on_oops is 0). Nothing
    /// was queued and memory_failure never ran.
    /// </summary>
    /// <exception cref="ArgumentException">A profile not described here.</exception>
    public static Expectation KernelConsumption(string profile) =>
        (Of(profile).Death == KernelDeath.Panic ? Expectation.Panics() : Expectation.OopsKillsTask()) with { Queued = 0, MemoryFailures = [] };

    /// <summary>
    /// The signal the architecture's page-fault handler sends <paramref name="comm"/> for a VM_FAULT_HWPOISON
    /// (<paramref name="lsb"/> 12) or VM_FAULT_HWPOISON_LARGE (the huge page shift) fault: SIGBUS BUS_MCEERR_AR with
    /// that lsb (x86 do_sigbus, arm64 arm64_force_sig_mceerr, and the generic profile as x86), or RISC-V's SIGBUS
    /// BUS_ADRERR, which carries no lsb.
    /// </summary>
    /// <exception cref="ArgumentException">A profile not described here.</exception>
    public static ExpectedSignal HwpoisonFault(string profile, string comm, int lsb) => Of(profile).Signal == FaultSignal.RiscvDoTrap
        ? new ExpectedSignal(comm, Signals.SIGBUS, Signals.BUS_ADRERR, 0)
        : new ExpectedSignal(comm, Signals.SIGBUS, Signals.BUS_MCEERR_AR, lsb);

    /// <summary>
    /// How many memory_failure_queue() calls a path that consumed poison in one copy_mc routine makes, when the path
    /// itself queues <paramref name="byThePath"/>: on arm64 with the series the helpers queue nothing and GHES queues
    /// the page once when it claims the SEA; elsewhere only the path's own calls.
    /// </summary>
    /// <exception cref="ArgumentException">A profile not described here.</exception>
    public static int QueuedAfterCopyFailure(string profile, int byThePath) => Of(profile).GhesQueuesKernelConsumption ? 1 : byThePath;

    private static Row Of(string profile) => Table.FirstOrDefault(r => r.Name == profile)
        ?? throw new ArgumentException($"profile '{profile}' is not described in ProfileFacts: described are {string.Join(", ", Profiles)}");

    private sealed record Row(string Name, bool HasCopyMc, KernelDeath Death, FaultSignal Signal, bool GhesQueuesKernelConsumption);
}
