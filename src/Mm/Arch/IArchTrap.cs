namespace KernelModel.Mm;

/// <summary>
/// The trap contract: what an architecture's exception handlers do with a synchronous hardware memory error
/// and with a kernel-mode page fault. Kernel mode looks the site up in the exception table and either takes
/// the fixup (<see cref="TrapOutcome.Fixup"/>) or kills the kernel through <see cref="Machine.Die"/> or
/// <see cref="Machine.Panic"/>, which do not return. User mode hands the error to memory_failure and signals.
/// </summary>
public interface IArchTrap
{
    /// <summary>The hardware-error exception (do_machine_check, do_sea, do_trap_load_fault ...).</summary>
    TrapDecision HardwareError(Cpu cpu, HardwareErrorEvent error);

    /// <summary>A kernel-mode fault on an address that does not translate (no_context / __do_kernel_fault).</summary>
    TrapDecision KernelPageFault(Cpu cpu, PageFaultEvent fault);

    /// <summary>Whether a hardware error at this entry's site, in kernel mode, would be fixed up (for <c>kmodel extable</c>).</summary>
    bool IsRecoverable(ExtableEntry entry);
}
