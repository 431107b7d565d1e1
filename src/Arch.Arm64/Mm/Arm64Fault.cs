using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// The data-abort side of arch/arm64/mm/fault.c: do_sea() for a consumed poison and __do_kernel_fault() for a
/// kernel access that does not translate.
/// <para>
/// Upstream, do_sea() lets APEI claim only an abort from user mode (GHES then runs memory_failure from task
/// work); anything else goes to arm64_notify_die(): SIGBUS BUS_OBJERR for user mode, die() for the kernel.
/// </para>
/// <para>
/// With the series, do_apei_claim_sea() asks APEI first in either mode, and only after a successful claim of a
/// kernel-mode abort applies fixup_exception_me(), so a failed claim (no GHES, or GHES did not claim it) dies
/// with the PC still at the faulting instruction, and a claimed abort at a site without a uaccess or
/// memory-error entry dies too (-ENOENT).
/// </para>
/// </summary>
public sealed class Arm64Fault : IArchTrap
{
    /// <summary>fault_info[] name of DFSC 0x10, the reason die() and the signal report.</summary>
    [KernelSymbol("arch/arm64/mm/fault.c", "fault_info")]
    public const string SeaName = "synchronous external abort";

    private readonly Machine _machine;
    private readonly Arm64Options _options;
    private readonly Arm64Extable _extable;
    private readonly Arm64Traps _traps;

    internal Arm64Fault(Machine machine, Arm64Options options, Arm64Extable extable, Arm64Traps traps)
    {
        _machine = machine;
        _options = options;
        _extable = extable;
        _traps = traps;
    }

    /// <summary>do_sea().</summary>
    [KernelSymbol("arch/arm64/mm/fault.c", "do_sea")]
    public TrapDecision HardwareError(Cpu cpu, HardwareErrorEvent error)
    {
        using var trace = _machine.Tracer.Enter("do_sea");
        if (_options.ArchHasCopyMc)
        {
            var ret = DoApeiClaimSea(cpu, error, out var fixup);
            if (ret == 0)
            {
                return fixup is null
                    ? TrapDecision.UserHandled("apei_claim_sea() = 0: GHES handles the user-mode abort")
                    : new TrapDecision(TrapOutcome.Fixup, $"apei_claim_sea() = 0, fixup_exception_me: extable {fixup.Type} -> {fixup.Fixup}");
            }
        }
        else if (error.Mode == CpuMode.User && ApeiClaimSea(cpu, error) == 0)
        {
            return TrapDecision.UserHandled("apei_claim_sea() = 0: GHES handles the user-mode abort");
        }

        // siaddr: FnV is clear in the model's ESR, so the (untagged) FAR.
        _traps.Arm64NotifyDie(cpu, error.Mode, SeaName, Signals.SIGBUS, Signals.BUS_OBJERR, error.VirtualAddress, Arm64Esr.Sea(error.Mode));
        return TrapDecision.UserHandled(string.Create(CultureInfo.InvariantCulture,
            $"arm64_notify_die: SIGBUS BUS_OBJERR addr {Printf.HashLx(error.VirtualAddress)}"));
    }

    /// <summary>__do_kernel_fault(): the extable fixup (fixup_exception), else die_kernel_fault().</summary>
    [KernelSymbol("arch/arm64/mm/fault.c", "__do_kernel_fault")]
    public TrapDecision KernelPageFault(Cpu cpu, PageFaultEvent fault)
    {
        if (_extable.FixupException(fault.Site) is { } entry)
        {
            return TrapDecision.Fixup(entry);
        }

        var write = fault.Site.Access == SiteAccess.Store;
        var permission = IsPermissionFault(cpu, fault.VirtualAddress);
        var msg = permission ? (write ? "write to read-only memory" : "read from unreadable memory")
            : fault.VirtualAddress < PhysicalMemory.PageSize ? "NULL pointer dereference" : "paging request";
        throw DieKernelFault(cpu, msg, fault.VirtualAddress, Arm64Esr.KernelFault(write, permission));
    }

    /// <summary>
    /// Whether a kernel-mode SEA at the entry's site would be fixed up: with the series, a GHES that can claim
    /// it and an entry fixup_exception_me() takes; upstream, never.
    /// </summary>
    public bool IsRecoverable(ExtableEntry entry) =>
        _options.ArchHasCopyMc && Arm64Architecture.HasGhes(_machine) && _extable.FixupExceptionMe(entry.Site) is not null;

    /// <summary>do_apei_claim_sea(): 0 when claimed (and, for a kernel-mode abort, fixed up), else non-zero.</summary>
    [KernelSymbol("arch/arm64/mm/fault.c", "do_apei_claim_sea")]
    private int DoApeiClaimSea(Cpu cpu, HardwareErrorEvent error, out ExtableEntry? fixup)
    {
        fixup = null;
        var ret = ApeiClaimSea(cpu, error);
        if (ret != 0)
        {
            return ret;
        }

        if (error.Mode == CpuMode.Kernel)
        {
            using var trace = _machine.Tracer.Enter("fixup_exception_me");
            fixup = _extable.FixupExceptionMe(error.Site);
            if (fixup is null)
            {
                return -Errno.ENOENT;
            }
        }

        return ret;
    }

    /// <summary>apei_claim_sea(): ghes_notify_sea() through the machine's GHES (with the v14 gating when configured).</summary>
    [KernelSymbol("arch/arm64/kernel/acpi.c", "apei_claim_sea")]
    private int ApeiClaimSea(Cpu cpu, HardwareErrorEvent error)
    {
        using var trace = _machine.Tracer.Enter("apei_claim_sea");
        return _machine.Ghes.NotifySea(cpu, error, _options.GhesGateSigbusOnContext);
    }

    // is_el1_permission_fault(): in the model, a user address whose PTE is present (so not a translation fault).
    private bool IsPermissionFault(Cpu cpu, ulong va) =>
        va < _machine.Arch.TaskSize && cpu.Current?.Mm is { } mm && mm.PageTable.Walk(va).Entry.IsPresent;

    /// <summary>die_kernel_fault(): the alert lines, then die("Oops").</summary>
    [KernelSymbol("arch/arm64/mm/fault.c", "die_kernel_fault")]
    private KernelDiedException DieKernelFault(Cpu cpu, string msg, ulong addr, ulong esr)
    {
        _machine.Log.Printk(LogLevel.Alert, string.Create(CultureInfo.InvariantCulture, $"Unable to handle kernel {msg} at virtual address {addr:x16}"));
        _machine.Log.Printk(LogLevel.Alert, "Mem abort info:");
        _machine.Log.Printk(LogLevel.Alert, string.Create(CultureInfo.InvariantCulture, $"  ESR = 0x{esr:x16}"));
        return _traps.Die(cpu, "Oops", esr);
    }
}
