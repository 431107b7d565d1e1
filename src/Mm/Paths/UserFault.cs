using System.Globalization;

namespace KernelModel.Mm;

/// <summary>
/// The architecture's user page-fault handler around handle_mm_fault() (x86 do_user_addr_fault, arm64
/// do_page_fault, RISC-V handle_page_fault) and how it turns a failed fault into a signal (mm_fault_error /
/// do_sigbus), in the variant <see cref="MmOptions.HwpoisonFaultSignal"/> names.
/// </summary>
public static class UserFault
{
    /// <summary>
    /// The user fault at <paramref name="address"/> for <paramref name="task"/>: no VMA or a VMA that forbids the
    /// access gives SIGSEGV; otherwise handle_mm_fault() runs and an error result is signalled. Returns the
    /// VM_FAULT result (VM_FAULT_SIGSEGV for a bad area).
    /// </summary>
    [KernelSymbol("arch/x86/mm/fault.c", "do_user_addr_fault")]
    [KernelSymbol("arch/arm64/mm/fault.c", "do_page_fault")]
    [KernelSymbol("arch/riscv/mm/fault.c", "handle_page_fault")]
    public static VmFault DoUserAddrFault(Machine machine, TaskStruct task, ulong address, bool write)
    {
        var mm = task.Mm ?? throw new ArgumentException($"{task} has no mm", nameof(task));
        using (machine.CurrentCpu.Enter(task, CpuMode.Kernel))
        using (machine.Tracer.Enter(HandlerName(machine)))
        {
            if (mm.FindVma(address) is not { } vma)
            {
                return BadArea(machine, task, address, Signals.SEGV_MAPERR);
            }

            if ((vma.Flags & (write ? VmFlags.Write : VmFlags.Read)) == 0)
            {
                return BadArea(machine, task, address, Signals.SEGV_ACCERR);
            }

            var fault = Memory.HandleMmFault(machine, vma, address, FaultFlags.User | (write ? FaultFlags.Write : FaultFlags.None));
            if ((fault & Memory.VmFaultError) != 0)
            {
                MmFaultError(machine, task, address, fault);
            }

            return fault;
        }
    }

    /// <summary>
    /// mm_fault_error() / do_sigbus(): VM_FAULT_HWPOISON[_LARGE] becomes the architecture's memory-error signal,
    /// VM_FAULT_SIGBUS a SIGBUS BUS_ADRERR, VM_FAULT_SIGSEGV a SIGSEGV. VM_FAULT_OOM would run the OOM killer,
    /// which is not modelled: no signal.
    /// </summary>
    [KernelSymbol("arch/x86/mm/fault.c", "do_sigbus")]
    [KernelSymbol("arch/riscv/mm/fault.c", "mm_fault_error")]
    private static void MmFaultError(Machine machine, TaskStruct task, ulong address, VmFault fault)
    {
        using (machine.Tracer.Enter("mm_fault_error"))
        {
            if ((fault & VmFault.Oom) != 0)
            {
                return;
            }

            var hwpoison = (fault & (VmFault.Hwpoison | VmFault.HwpoisonLarge)) != 0;
            var style = machine.Config.Mm.HwpoisonFaultSignal;
            var sigbus = (fault & VmFault.Sigbus) != 0;
            if (hwpoison && style != HwpoisonFaultSignal.RiscvDoTrap && !(sigbus && style == HwpoisonFaultSignal.Arm64ForceSigMceerr))
            {
                if (style == HwpoisonFaultSignal.DoSigbus)
                {
                    machine.Log.Err(string.Create(CultureInfo.InvariantCulture,
                        $"MCE: Killing {task.Comm}:{task.Pid} due to hardware memory corruption fault at {Printf.Lx(address)}"));
                }

                ForceSig(machine, task, style == HwpoisonFaultSignal.DoSigbus ? "force_sig_mceerr" : "arm64_force_sig_mceerr",
                    new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, address, HwpoisonLsb(machine, fault)));
                return;
            }

            var trap = style == HwpoisonFaultSignal.RiscvDoTrap ? "do_trap" : "force_sig_fault";
            if (sigbus || hwpoison)
            {
                ForceSig(machine, task, trap, new SigInfo(Signals.SIGBUS, Signals.BUS_ADRERR, address));
                return;
            }

            ForceSig(machine, task, trap, new SigInfo(Signals.SIGSEGV, Signals.SEGV_MAPERR, address));
        }
    }

    // The architecture's signalling call, named as the trace shows it.
    [KernelSymbol("kernel/signal.c", "force_sig_mceerr")]
    [KernelSymbol("arch/arm64/kernel/traps.c", "arm64_force_sig_mceerr")]
    [KernelSymbol("arch/riscv/kernel/traps.c", "do_trap")]
    [KernelSymbol("kernel/signal.c", "force_sig_fault")]
    private static void ForceSig(Machine machine, TaskStruct task, string function, SigInfo info)
    {
        using (machine.Tracer.Enter(function))
        {
            machine.Tracer.Note($"{Signals.Name(info.Signo)} {Signals.CodeName(info.Signo, info.Code)} to {task} si_addr={Printf.HashLx(info.Addr)} si_addr_lsb={info.AddrLsb}");
            task.SendSignal(info, force: true);
        }
    }

    /// <summary>The si_addr_lsb of the memory-error signal: PAGE_SHIFT, or hstate_index_to_shift(VM_FAULT_GET_HINDEX) for a huge page.</summary>
    [KernelSymbol("mm/hugetlb.c", "hstate_index_to_shift")]
    private static int HwpoisonLsb(Machine machine, VmFault fault)
    {
        if ((fault & VmFault.Hwpoison) != 0 || (fault & VmFault.HwpoisonLarge) == 0)
        {
            return PhysicalMemory.PageShift;
        }

        return machine.Hugetlb.Hstates[fault.GetHindex()].Shift;
    }

    /// <summary>bad_area(): SIGSEGV with the faulting address.</summary>
    [KernelSymbol("arch/x86/mm/fault.c", "bad_area")]
    private static VmFault BadArea(Machine machine, TaskStruct task, ulong address, int code)
    {
        using (machine.Tracer.Enter("bad_area"))
        {
            task.SendSignal(new SigInfo(Signals.SIGSEGV, code, address), force: true);
            return VmFault.Sigsegv;
        }
    }

    private static string HandlerName(Machine machine) => machine.Config.Mm.HwpoisonFaultSignal switch
    {
        HwpoisonFaultSignal.Arm64ForceSigMceerr => "do_page_fault",
        HwpoisonFaultSignal.RiscvDoTrap => "handle_page_fault",
        _ => "do_user_addr_fault",
    };
}
