using System.Globalization;

namespace KernelModel.Arch.X86;

/// <summary>
/// The kernel-mode end of the x86 page fault handler (arch/x86/mm/fault.c): a fault the model cannot resolve
/// (the machine has no demand paging in the trap path, so a kernel access to an unmapped address, kernel or
/// user, ends here) takes the exception-table fixup or oopses: show_fault_oops' lines, then die("Oops") whose
/// header is "Oops: Oops: %04lx [#n]" with the configuration suffix (arch/x86/kernel/dumpstack.c __die_header,
/// with the uniform "Oops: " prefix of 2024). The oops line and its aftermath (panic in interrupt or with
/// panic_on_oops, else the task dies) are <see cref="Machine.Die"/>'s.
/// </summary>
public sealed class X86PageFault(Machine machine, X86ExceptionFixup fixup, X86Options options)
{
    /// <summary>X86_PF_PROT: the page was present (a protection fault).</summary>
    public const int PfProt = 1 << 0;

    /// <summary>X86_PF_WRITE: a write access.</summary>
    public const int PfWrite = 1 << 1;

    /// <summary>kernelmode_fixup_or_oops(): the extable fixup, or page_fault_oops().</summary>
    [KernelSymbol("arch/x86/mm/fault.c", "kernelmode_fixup_or_oops")]
    public TrapDecision KernelmodeFixupOrOops(Cpu cpu, PageFaultEvent fault)
    {
        var write = fault.Site.Access == SiteAccess.Store;
        var errorCode = (write ? PfWrite : 0) | (write && cpu.TranslateNoFault(fault.VirtualAddress, false, out _) ? PfProt : 0);
        if (fixup.FixupException(cpu, fault.Site, X86ExceptionFixup.TrapPf) is { } entry)
        {
            return TrapDecision.Fixup(entry);
        }

        throw PageFaultOops(cpu, errorCode, fault.VirtualAddress);
    }

    /// <summary>page_fault_oops(): show_fault_oops() then die("Oops", regs, error_code).</summary>
    [KernelSymbol("arch/x86/mm/fault.c", "page_fault_oops")]
    private KernelDiedException PageFaultOops(Cpu cpu, int errorCode, ulong address)
    {
        var log = machine.Log;
        log.Printk(LogLevel.Alert, address < PhysicalMemory.PageSize
            ? string.Create(CultureInfo.InvariantCulture, $"BUG: kernel NULL pointer dereference, address: {address:x16}")
            : string.Create(CultureInfo.InvariantCulture, $"BUG: unable to handle page fault for address: {address:x16}"));
        log.Printk(LogLevel.Alert, $"#PF: supervisor {((errorCode & PfWrite) != 0 ? "write access" : "read access")} in kernel mode");
        log.Printk(LogLevel.Alert, string.Create(CultureInfo.InvariantCulture,
            $"#PF: error_code(0x{errorCode:x4}) - {((errorCode & PfProt) == 0 ? "not-present page" : "permissions violation")}"));
        return machine.Die(cpu, n => string.Create(CultureInfo.InvariantCulture, $"Oops: Oops: {errorCode:x4} [#{n}]{options.DieHeaderConfig}"),
            signr: Signals.SIGKILL);
    }
}
