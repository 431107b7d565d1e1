using System.Globalization;
using System.Runtime.CompilerServices;
using static KernelModel.Arch.X86.MceRegisters;

namespace KernelModel.Arch.X86;

/// <summary>
/// do_machine_check() and its task work (arch/x86/kernel/cpu/mce/core.c) for the error the model raises: an
/// uncorrected, software-recoverable data load (SRAR, MCACOD 0x134) reported by one bank with a physical address.
/// A fatal grade panics through mce_panic ("Machine check: &lt;severity message&gt;", then panic with "Fatal local
/// machine check" when local, or "Fatal machine check" from the monarch's mce_reign when broadcast). Otherwise
/// the error is logged and then: user mode queues kill_me_maybe (kill_me_now when the address is not usable);
/// kernel mode with MCE_IN_KERNEL_RECOV takes the exception-table fixup ("Failed kernel mode recovery" when
/// there is none), and with MCE_IN_KERNEL_COPYIN also queues kill_me_never (v5.12: kill_me_maybe). Not modelled:
/// print_mce's register dump (its TSC, CPUID and APIC values are not part of the model), set_mce_nospec (the
/// machine's linear map has no page attributes), the SEAM (TDX) branch and taint.
/// </summary>
public sealed class MachineCheck
{
    private const string HwErr = "[Hardware Error]: ";
    private readonly Machine _machine;
    private readonly MceSeverity _severity;
    private readonly X86ExceptionFixup _fixup;
    private readonly X86Options _options;
    private readonly ConditionalWeakTable<TaskStruct, MceTaskState> _tasks = [];

    /// <summary>The handler of a machine.</summary>
    public MachineCheck(Machine machine, MceSeverity severity, X86ExceptionFixup fixup, X86Options options)
    {
        _machine = machine;
        _severity = severity;
        _fixup = fixup;
        _options = options;
    }

    /// <summary>The grading this handler uses.</summary>
    public MceSeverity Severity => _severity;

    /// <summary>A task's machine-check fields.</summary>
    public MceTaskState TaskState(TaskStruct task) => _tasks.GetValue(task, _ => new MceTaskState());

    /// <summary>
    /// mce_gather_info() and the bank read (mce_read_aux): the record a consumed poisoned line produces.
    /// </summary>
    [KernelSymbol("arch/x86/kernel/cpu/mce/core.c", "mce_gather_info")]
    public MachineCheckRecord GatherInfo(HardwareErrorEvent error)
    {
        var lsb = _options.MiscAddrLsb;
        return new MachineCheckRecord
        {
            Status = MciStatusVal | MciStatusUc | MciStatusEn | MciStatusMiscv | MciStatusAddrv | MciStatusS | MciStatusAr | McacodData,
            Misc = (ulong)lsb | (MciMiscAddrPhys << 6),
            Addr = error.PhysicalAddress >> lsb << lsb,
            McgStatus = McgStatusMcip | McgStatusEipv | (_options.RestartIpValid ? McgStatusRipv : 0) | (_options.LocalMachineCheck ? McgStatusLmces : 0),
            Ip = error.Site,
            Cs = error.Mode == CpuMode.User ? MachineCheckRecord.UserCs : MachineCheckRecord.KernelCs,
            Bank = _options.McBank,
        };
    }

    /// <summary>do_machine_check(regs) for one consumed poisoned line.</summary>
    [KernelSymbol("arch/x86/kernel/cpu/mce/core.c", "do_machine_check")]
    public TrapDecision DoMachineCheck(Cpu cpu, HardwareErrorEvent regs)
    {
        var m = GatherInfo(regs);

        // mce_no_way_out(): a panic grade ends a local machine check here.
        var noWayOut = _severity.Grade(m, regs, isExcp: true, out var msg) >= MceSeverityLevel.Panic;
        var killCurrentTask = (m.McgStatus & McgStatusRipv) == 0;
        var lmce = (m.McgStatus & McgStatusLmces) != 0;
        if (lmce && noWayOut)
        {
            throw McePanic("Fatal local machine check", msg);
        }

        // __mc_scan_banks(): grade, record the severity, log.
        var worst = m.Severity = _severity.Grade(m, regs, isExcp: true, out msg);
        MceLog();

        // mce_end() on a broadcast: the monarch's mce_reign() re-grades without registers and panics.
        if (!lmce && worst >= MceSeverityLevel.Panic)
        {
            _severity.Grade(m, null, isExcp: true, out var reignMsg);
            throw McePanic("Fatal machine check", reignMsg);
        }

        // The modelled error grades AR or PANIC, so worst is MCE_AR_SEVERITY here and the kernel's early exit
        // for lesser severities (worst != AR && !kill_current_task) is not reached.
        if ((m.Cs & 3) == 3)
        {
            var user = MceUsableAddress(m) ? QueueTaskWork(cpu, m, msg, "kill_me_maybe", KillMeMaybe) : QueueTaskWork(cpu, m, msg, "kill_me_now", KillMeNow);
            return TrapDecision.UserHandled(string.Create(CultureInfo.InvariantCulture,
                $"#MC in user mode: {msg}; task work {user}{(killCurrentTask ? " (no restart IP)" : string.Empty)}"));
        }

        // Kernel mode that did not panic graded IN_KERNEL_RECOV (IN_KERNEL is promoted to PANIC), so
        // MCE_IN_KERNEL_RECOV is set: fixup_exception(regs, X86_TRAP_MC, 0, 0), which searches regs->ip.
        var entry = _fixup.FixupException(cpu, m.Ip, X86ExceptionFixup.TrapMc) ?? throw McePanic("Failed kernel mode recovery", msg);
        if ((m.Kflags & MceKflags.InKernelCopyin) != 0)
        {
            var copyin = _options.CopyinRecovery == CopyinRecovery.SigbusAr
                ? QueueTaskWork(cpu, m, msg, "kill_me_maybe", KillMeMaybe)
                : QueueTaskWork(cpu, m, msg, "kill_me_never", KillMeNever);
            return new TrapDecision(TrapOutcome.Fixup, $"extable {entry.Type} -> {entry.Fixup}; task work {copyin}");
        }

        return TrapDecision.Fixup(entry);
    }

    /// <summary>mce_usable_address() on Intel: ADDRV and MISCV, an address LSB no coarser than a page, a physical address.</summary>
    [KernelSymbol("arch/x86/kernel/cpu/mce/core.c", "mce_usable_address")]
    public static bool MceUsableAddress(MachineCheckRecord m) =>
        (m.Status & MciStatusAddrv) != 0 && (m.Status & MciStatusMiscv) != 0 &&
        MiscAddrLsb(m.Misc) <= PhysicalMemory.PageShift && MiscAddrMode(m.Misc) == MciMiscAddrPhys;

    /// <summary>mce_log(): the record goes to the pool and the console says so.</summary>
    [KernelSymbol("arch/x86/kernel/cpu/mce/core.c", "mce_log")]
    private void MceLog() => _machine.Log.Info("mce: " + HwErr + "Machine check events logged");

    /// <summary>mce_panic(msg, final, exp): the severity message, then panic(msg). Does not return.</summary>
    [KernelSymbol("arch/x86/kernel/cpu/mce/core.c", "mce_panic")]
    private KernelDiedException McePanic(string msg, string? exp)
    {
        if (exp is not null)
        {
            _machine.Log.Emerg("mce: " + HwErr + "Machine check: " + exp);
        }

        return _machine.Panic(msg);
    }

    /// <summary>
    /// queue_task_work(): the first machine check before the task returns to user saves its details and adds the
    /// callback; more than ten, or a second one on a different page, panic.
    /// </summary>
    [KernelSymbol("arch/x86/kernel/cpu/mce/core.c", "queue_task_work")]
    private string QueueTaskWork(Cpu cpu, MachineCheckRecord m, string msg, string name, Action<TaskStruct, MceTaskState> func)
    {
        var current = cpu.Current ?? throw new InvalidOperationException("a machine check that queues task work needs a current task");
        var p = TaskState(current);
        var count = ++p.Count;
        if (count == 1)
        {
            p.Addr = m.Addr;
            p.Kflags = m.Kflags;
            p.Ripv = (m.McgStatus & McgStatusRipv) != 0;
            p.Vaddr = m.McVaddr;
            p.KillMe = name;
        }

        if (count > 10)
        {
            throw McePanic("Too many consecutive machine checks while accessing user data", msg);
        }

        if (count > 1 && p.Addr >> PhysicalMemory.PageShift != m.Addr >> PhysicalMemory.PageShift)
        {
            throw McePanic("Consecutive machine checks to different user pages", msg);
        }

        if (count == 1)
        {
            current.AddTaskWork(new TaskWork(name, () => func(current, p)));
        }

        return p.KillMe!;
    }

    /// <summary>kill_me_now(): SIGBUS with no address (si_code SI_KERNEL).</summary>
    [KernelSymbol("arch/x86/kernel/cpu/mce/core.c", "kill_me_now")]
    private void KillMeNow(TaskStruct p, MceTaskState mce)
    {
        mce.Count = 0;
        p.SendSignal(new SigInfo(Signals.SIGBUS, Signals.SI_KERNEL), force: true);
    }

    /// <summary>
    /// kill_me_maybe(): memory_failure(pfn, MF_ACTION_REQUIRED, plus MF_MUST_KILL without a restart IP). Success
    /// ends it (memory_failure signalled whoever it had to); -EHWPOISON or -EOPNOTSUPP end it too; any other
    /// error prints "Memory error not recovered" and kills with kill_me_now. The v5.12 form
    /// (<see cref="CopyinRecovery.SigbusAr"/>) ends only on success outside a copy from user, then sends SIGBUS
    /// BUS_MCEERR_AR at mce_vaddr when a copy from user recorded one.
    /// </summary>
    [KernelSymbol("arch/x86/kernel/cpu/mce/core.c", "kill_me_maybe")]
    private void KillMeMaybe(TaskStruct p, MceTaskState mce)
    {
        mce.Count = 0;
        _machine.Log.Err("mce: " + string.Create(CultureInfo.InvariantCulture, $"Uncorrected hardware memory error in user-access at {Printf.Lx(mce.Addr)}"));
        var flags = MfFlags.ActionRequired | (mce.Ripv ? MfFlags.None : MfFlags.MustKill);
        var ret = _machine.MemoryFailureHandler.MemoryFailure((mce.Addr & MciAddrPhysaddr) >> PhysicalMemory.PageShift, flags);
        if (_options.CopyinRecovery == CopyinRecovery.SigbusAr)
        {
            if (ret == 0 && (mce.Kflags & MceKflags.InKernelCopyin) == 0)
            {
                return;
            }

            if (mce.Vaddr is { } vaddr)
            {
                p.SendSignal(new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, vaddr, PhysicalMemory.PageShift), force: true);
                return;
            }
        }
        else if (ret == 0 || ret == -Errno.EHWPOISON || ret == -Errno.EOPNOTSUPP)
        {
            return;
        }

        _machine.Log.Err("mce: Memory error not recovered");
        KillMeNow(p, mce);
    }

    /// <summary>kill_me_never(): "Kernel accessed poison in user space", memory_failure(pfn, 0), no signal.</summary>
    [KernelSymbol("arch/x86/kernel/cpu/mce/core.c", "kill_me_never")]
    private void KillMeNever(TaskStruct p, MceTaskState mce)
    {
        mce.Count = 0;
        _machine.Log.Err("mce: " + string.Create(CultureInfo.InvariantCulture, $"Kernel accessed poison in user space at {Printf.Lx(mce.Addr)}"));
        _machine.MemoryFailureHandler.MemoryFailure((mce.Addr & MciAddrPhysaddr) >> PhysicalMemory.PageShift, MfFlags.None);
    }
}
