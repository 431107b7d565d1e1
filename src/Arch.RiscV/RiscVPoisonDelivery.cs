namespace KernelModel.Arch.RiscV;

/// <summary>
/// How the platform reports a consumed poisoned line to the hart. The seed patch changes no trap code and does not
/// say (its commit message: "reported through the RAS/AIA path"); recovery needs a synchronous exception at the
/// consuming load whose kernel-mode handler reaches fixup_exception(). Both choices here do, through
/// do_trap_error() (arch/riscv/kernel/traps.c); they differ in the oops line when nothing fixes the fault up.
/// </summary>
public enum RiscVPoisonDelivery
{
    /// <summary>A load access fault (scause 5): do_trap_load_fault, "Oops - load access fault".</summary>
    LoadAccessFault,

    /// <summary>
    /// The privileged spec's hardware-error exception (scause 19). Linux's exception vector table has no entry for
    /// it, so it reaches do_trap_unknown: "Oops - unknown exception".
    /// </summary>
    HardwareErrorException,
}
