using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// die() and arm64_notify_die() of arch/arm64/kernel/traps.c. arm64's die() prints
/// "Internal error: %s: %016lx [#%d] SMP" (the ESR as the error number; the PREEMPT marker was dropped from this
/// line upstream) and panics with the reason prefixed: "%s: Fatal exception in interrupt" in interrupt context,
/// "%s: Fatal exception" with panic_on_oops; otherwise make_task_dead(SIGSEGV) kills the current task.
/// </summary>
internal sealed class Arm64Traps(Machine machine)
{
    /// <summary>die(): does not return.</summary>
    [KernelSymbol("arch/arm64/kernel/traps.c", "die")]
    public KernelDiedException Die(Cpu cpu, string str, ulong err)
    {
        string OopsLine(int n) => string.Create(CultureInfo.InvariantCulture, $"Internal error: {str}: {err:x16} [#{n}] SMP");
        return machine.Die(cpu, OopsLine, panicPrefix: str);
    }

    /// <summary>
    /// arm64_notify_die(): from user mode, arm64_force_sig_fault() (force_sig_fault with si_addr = far); from the
    /// kernel, die().
    /// </summary>
    [KernelSymbol("arch/arm64/kernel/traps.c", "arm64_notify_die")]
    public void Arm64NotifyDie(Cpu cpu, CpuMode mode, string str, int signo, int sicode, ulong far, ulong err)
    {
        if (mode != CpuMode.User)
        {
            throw Die(cpu, str, err);
        }

        cpu.Current?.SendSignal(new SigInfo(signo, sicode, far), force: true);
    }
}
