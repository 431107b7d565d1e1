namespace KernelModel.Arch.X86;

/// <summary>
/// The x86-64 trap side: a consumed poisoned line raises #MC and goes to do_machine_check
/// (<see cref="MachineCheck"/>); a kernel-mode fault on an address that does not translate goes to the page
/// fault handler's kernel-mode end (<see cref="X86PageFault"/>).
/// </summary>
public sealed class X86Trap(MachineCheck machineCheck, X86PageFault pageFault) : IArchTrap
{
    /// <summary>The machine-check handler.</summary>
    public MachineCheck MachineCheck => machineCheck;

    /// <summary>exc_machine_check (arch/x86/kernel/cpu/mce/core.c): do_machine_check for a user- or kernel-mode #MC.</summary>
    [KernelSymbol("arch/x86/kernel/cpu/mce/core.c", "exc_machine_check")]
    public TrapDecision HardwareError(Cpu cpu, HardwareErrorEvent error) => machineCheck.DoMachineCheck(cpu, error);

    /// <inheritdoc />
    public TrapDecision KernelPageFault(Cpu cpu, PageFaultEvent fault) => pageFault.KernelmodeFixupOrOops(cpu, fault);

    /// <summary>Whether a kernel-mode #MC at the entry's site is fixed up (for a uaccess entry: when it reads user memory).</summary>
    public bool IsRecoverable(ExtableEntry entry) => machineCheck.Severity.RecoverableSite(entry);
}
