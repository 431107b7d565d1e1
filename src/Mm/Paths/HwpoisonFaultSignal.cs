namespace KernelModel.Mm;

/// <summary>
/// How the architecture's user page-fault handler reports a fault that handle_mm_fault() answered with
/// VM_FAULT_HWPOISON or VM_FAULT_HWPOISON_LARGE. This is architecture code (each arch's fault.c), so the
/// profile picks it.
/// </summary>
public enum HwpoisonFaultSignal
{
    /// <summary>
    /// x86 (also powerpc, parisc) do_sigbus(): pr_err "MCE: Killing %s:%d due to hardware memory corruption fault
    /// at %lx", then force_sig_mceerr(BUS_MCEERR_AR, address, lsb) with lsb PAGE_SHIFT for VM_FAULT_HWPOISON or
    /// the huge page shift of VM_FAULT_GET_HINDEX for VM_FAULT_HWPOISON_LARGE.
    /// </summary>
    DoSigbus,

    /// <summary>
    /// arm64 do_page_fault(): arm64_force_sig_mceerr(BUS_MCEERR_AR, far, lsb) with the same lsb, and no "MCE:
    /// Killing" line (the show_unhandled_signals report arm64_show_signal may print is not modelled).
    /// </summary>
    Arm64ForceSigMceerr,

    /// <summary>
    /// RISC-V mm_fault_error(): VM_FAULT_SIGBUS and both HWPOISON bits go to do_trap(SIGBUS, BUS_ADRERR, addr):
    /// no lsb and no console line.
    /// </summary>
    RiscvDoTrap,
}
