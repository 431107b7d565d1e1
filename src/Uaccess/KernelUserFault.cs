using KernelModel.Mm;

namespace KernelModel.Uaccess;

/// <summary>
/// A page fault the kernel takes on a user address inside a uaccess routine while page faults are enabled. The
/// architecture's fault handler (x86 do_user_addr_fault, arm64 do_page_fault, RISC-V handle_page_fault) runs
/// handle_mm_fault() for the current mm and restarts the instruction; when the fault cannot be resolved (no VMA, a
/// VMA that forbids the access, VM_FAULT_HWPOISON from a hwpoison entry, VM_FAULT_SIGBUS) it takes the exception-table
/// fixup instead, without a signal, because the access was the kernel's. The machine's trap path has no demand
/// paging (a kernel-mode fault goes straight to the exception table), so the uaccess helpers resolve the faults before
/// the routine runs, page by page from the start of the range, and stop at the first page that cannot be resolved:
/// there the routine faults and takes its fixup, as it would after the failed fault. The copy's outcome is the same;
/// only the order of events differs. Callers with page faults disabled (the _inatomic and __copy_from_iter paths,
/// futex_get_value_locked) do not call this.
/// </summary>
public static class KernelUserFault
{
    /// <summary>Resolves the faults an access of <paramref name="length"/> bytes at <paramref name="address"/> would take.</summary>
    [KernelSymbol("arch/x86/mm/fault.c", "do_user_addr_fault")]
    [KernelSymbol("arch/arm64/mm/fault.c", "do_page_fault")]
    [KernelSymbol("arch/riscv/mm/fault.c", "handle_page_fault")]
    public static void FaultIn(Machine machine, ulong address, ulong length, bool write)
    {
        var cpu = machine.CurrentCpu;
        if (length == 0 || cpu.Current?.Mm is not { } mm || address >= machine.Arch.TaskSize)
        {
            return;
        }

        var end = Math.Min(address + length, machine.Arch.TaskSize);
        for (var page = Memory.PageAlign(address); page < end; page += PhysicalMemory.PageSize)
        {
            var at = Math.Max(page, address);
            if (cpu.TranslateNoFault(at, write, out _))
            {
                continue;
            }

            if (mm.FindVma(at) is not { } vma || (vma.Flags & (write ? VmFlags.Write : VmFlags.Read)) == 0 ||
                (Memory.HandleMmFault(machine, vma, at, write ? FaultFlags.Write : FaultFlags.None) & Memory.VmFaultError) != 0)
            {
                return;
            }
        }
    }
}
