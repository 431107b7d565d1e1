namespace KernelModel.Simulation.Fleet;

/// <summary>What one consumption of poison led to, worst first.</summary>
public enum ConsumptionOutcome
{
    /// <summary>The machine panicked.</summary>
    Panic,

    /// <summary>The kernel died in the task that was in it (an oops); with kernel.panic_on_oops=1 this is a panic.</summary>
    Oops,

    /// <summary>A task was killed (SIGBUS, or SIGKILL when unmapping failed).</summary>
    Killed,

    /// <summary>A syscall failed (fork ENOMEM, madvise EINVAL, read EFAULT/EIO ...).</summary>
    SyscallFailed,

    /// <summary>A read returned fewer bytes than asked.</summary>
    ShortRead,

    /// <summary>None of the above: the path backed off (and the page was isolated, where the kernel does that).</summary>
    Recovered,

    /// <summary>The path did not load the poisoned line (a defect of the consumer; the test suite checks none does this).</summary>
    NotConsumed,

    /// <summary>The model has no path for this consumer in this build (DMA by devices; a catalogue scenario not present).</summary>
    NotModelled,
}

/// <summary>What a consumer's run showed.</summary>
/// <param name="Outcome">The worst thing that happened.</param>
/// <param name="KernelMode">The poison was consumed in kernel mode.</param>
/// <param name="Contained">memory_failure handled the page and its last verdict was Recovered: the page is isolated and will not be
/// consumed again. False when the kernel died first, nothing was queued, or memory_failure ignored the page (kernel-owned pages).</param>
/// <param name="Detail">One line: the signal, the errno, the panic message or the memory_failure verdict.</param>
public sealed record Consumption(ConsumptionOutcome Outcome, bool KernelMode, bool Contained, string Detail)
{
    /// <summary>The outcome's name in reports and JSON.</summary>
    public static string Name(ConsumptionOutcome outcome) => outcome switch
    {
        ConsumptionOutcome.Panic => "panic",
        ConsumptionOutcome.Oops => "oops",
        ConsumptionOutcome.Killed => "killed",
        ConsumptionOutcome.SyscallFailed => "syscall-failed",
        ConsumptionOutcome.ShortRead => "short-read",
        ConsumptionOutcome.Recovered => "recovered",
        ConsumptionOutcome.NotConsumed => "not-consumed",
        _ => "not-modelled",
    };
}
