using System.Globalization;

namespace KernelModel.Arch.RiscV;

/// <summary>
/// RISC-V's trap side as the seed patch relies on it (it changes no trap code; reference §5.8).
/// <list type="bullet">
/// <item>Kernel mode, hardware error: the synchronous exception (<see cref="Delivery"/>) reaches do_trap_error(),
/// which calls fixup_exception() and takes the fixup when the faulting site has ANY exception-table entry: RISC-V
/// does not ask whether the entry was meant for memory errors. Otherwise die(); with
/// <see cref="KernelTrapsEnterNmi"/> that happens in NMI context and panics.</item>
/// <item>Kernel mode, page fault: do_page_fault() ends in no_context(), which also tries fixup_exception() first,
/// then prints "Unable to handle kernel ..." and dies with "Oops".</item>
/// <item>User mode, hardware error: the model's assumed RAS path (firmware-first reporting, as the RISC-V RAS work
/// uses APEI GHES): memory_failure(pfn, MF_ACTION_REQUIRED), which sends SIGBUS BUS_MCEERR_AR to the consumer;
/// when it fails, SIGBUS is forced as GHES's memory_failure_cb does. Upstream trap code alone would send SIGSEGV
/// (load access fault) with no memory_failure at all.</item>
/// </list>
/// </summary>
public sealed class RiscVTrap(Machine machine, ExceptionTable extable) : IArchTrap
{
    /// <summary>How the platform reports consumed poison.</summary>
    public RiscVPoisonDelivery Delivery { get; init; } = RiscVPoisonDelivery.LoadAccessFault;

    /// <summary>Whether kernel-mode exceptions are handled in NMI context (v6.4+), so that die() panics.</summary>
    public bool KernelTrapsEnterNmi { get; init; } = true;

    /// <summary>XLEN, for REG_FMT (16 hex digits on RV64, 8 on RV32).</summary>
    public int Xlen { get; init; } = 64;

    /// <inheritdoc />
    public TrapDecision HardwareError(Cpu cpu, HardwareErrorEvent error)
    {
        if (error.Mode == CpuMode.User)
        {
            return UserConsumption(cpu, error);
        }

        return Delivery == RiscVPoisonDelivery.LoadAccessFault
            ? DoTrapLoadFault(cpu, error.Site)
            : DoTrapUnknown(cpu, error.Site);
    }

    /// <inheritdoc />
    [KernelSymbol("arch/riscv/mm/fault.c", "no_context")]
    public TrapDecision KernelPageFault(Cpu cpu, PageFaultEvent fault)
    {
        if (FixupException(fault.Site) is { } entry)
        {
            return TrapDecision.Fixup(entry);
        }

        var msg = fault.VirtualAddress < PhysicalMemory.PageSize ? "NULL pointer dereference" : "paging request";
        return DieKernelFault(cpu, msg, fault.VirtualAddress);
    }

    /// <summary>fixup_exception() takes every entry type RISC-V defines, for any kind of fault.</summary>
    public bool IsRecoverable(ExtableEntry entry) => FixupException(entry.Site) is not null;

    /// <summary>fixup_exception(): the entry for the faulting site, whatever its type and whatever the fault.</summary>
    [KernelSymbol("arch/riscv/mm/extable.c", "fixup_exception")]
    private ExtableEntry? FixupException(CodeSite site) => extable.Search(site);

    [KernelSymbol("arch/riscv/kernel/traps.c", "do_trap_load_fault")]
    private TrapDecision DoTrapLoadFault(Cpu cpu, CodeSite site) => DoTrapError(cpu, site, "Oops - load access fault");

    [KernelSymbol("arch/riscv/kernel/traps.c", "do_trap_unknown")]
    private TrapDecision DoTrapUnknown(Cpu cpu, CodeSite site) => DoTrapError(cpu, site, "Oops - unknown exception");

    // Kernel-mode half of do_trap_error(): fixup_exception() or die(regs, str).
    [KernelSymbol("arch/riscv/kernel/traps.c", "do_trap_error")]
    private TrapDecision DoTrapError(Cpu cpu, CodeSite site, string str)
    {
        if (FixupException(site) is { } entry)
        {
            return TrapDecision.Fixup(entry);
        }

        if (!KernelTrapsEnterNmi)
        {
            throw machine.Die(cpu, n => Oops(str, n));
        }

        // irqentry_nmi_enter() raised the preempt count's NMI and hardirq bits: in_interrupt() is true in die().
        using (cpu.EnterInterrupt())
        {
            throw machine.Die(cpu, n => Oops(str, n));
        }
    }

    [KernelSymbol("arch/riscv/mm/fault.c", "die_kernel_fault")]
    private TrapDecision DieKernelFault(Cpu cpu, string msg, ulong addr)
    {
        var regFmt = Xlen == 64 ? "x16" : "x8";
        machine.Log.Printk(LogLevel.Alert, $"Unable to handle kernel {msg} at virtual address {addr.ToString(regFmt, CultureInfo.InvariantCulture)}");
        throw machine.Die(cpu, n => Oops("Oops", n));
    }

    // The assumed RAS path for a user-mode consumption, handled as GHES's memory_failure_cb handles it.
    [KernelSymbol("drivers/acpi/apei/ghes.c", "memory_failure_cb")]
    private TrapDecision UserConsumption(Cpu cpu, HardwareErrorEvent error)
    {
        var ret = machine.MemoryFailureHandler.MemoryFailure(error.Pfn, MfFlags.ActionRequired);
        var detail = string.Create(CultureInfo.InvariantCulture, $"memory_failure({Printf.HashLx(error.Pfn)}, MF_ACTION_REQUIRED) = {ret}");
        if (ret is 0 or -Errno.EHWPOISON or -Errno.EOPNOTSUPP || cpu.Current is not { } task)
        {
            return TrapDecision.UserHandled(detail);
        }

        machine.Log.Err(string.Create(CultureInfo.InvariantCulture, $"{Printf.HashLx(error.Pfn)}: Sending SIGBUS to {task.Comm}:{task.Pid} due to hardware memory corruption"));
        task.SendSignal(new SigInfo(Signals.SIGBUS, Signals.SI_KERNEL), force: true);
        return TrapDecision.UserHandled(detail + "; SIGBUS forced");
    }

    // die(): pr_emerg("%s [#%d]").
    private static string Oops(string str, int n) => string.Create(CultureInfo.InvariantCulture, $"{str} [#{n}]");
}
