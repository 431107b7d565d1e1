namespace KernelModel.Simulation.Scenarios;

/// <summary>A syscall's return as the scenario saw it.</summary>
/// <param name="Name">The syscall.</param>
/// <param name="Ret">Its return value (negative: -errno).</param>
/// <param name="Errno">The errno, 0 on success.</param>
public sealed record SyscallRecord(string Name, long Ret, int Errno);

/// <summary>A signal delivered to a task.</summary>
/// <param name="Pid">The task.</param>
/// <param name="Comm">Its comm.</param>
/// <param name="Signo">Signal.</param>
/// <param name="SiCode">si_code.</param>
/// <param name="SiAddr">si_addr.</param>
/// <param name="SiAddrLsb">si_addr_lsb.</param>
public sealed record SignalRecord(int Pid, string Comm, int Signo, int SiCode, ulong SiAddr, int SiAddrLsb);

/// <summary>A memory_failure_queue() call.</summary>
/// <param name="Pfn">The frame.</param>
/// <param name="Flags">The flags, as the kernel spells them.</param>
public sealed record QueuedRecord(ulong Pfn, string Flags);

/// <summary>One action_result() of memory_failure.</summary>
/// <param name="Pfn">The frame.</param>
/// <param name="PageType">The page-type string ("dirty LRU page" ...).</param>
/// <param name="Result">"Recovered", "Ignored" ...</param>
public sealed record MemoryFailureRecord(ulong Pfn, string PageType, string Result);

/// <summary>
/// Everything one run of a scenario under a profile showed: the JSON of <c>kmodel run --json</c> has one field per
/// property, in snake case.
/// </summary>
public sealed record ScenarioOutcome
{
    /// <summary>Scenario id.</summary>
    public required string Scenario { get; init; }

    /// <summary>Profile name.</summary>
    public required string Profile { get; init; }

    /// <summary>Seed.</summary>
    public required int Seed { get; init; }

    /// <summary>Whether the machine panicked.</summary>
    public required bool Panicked { get; init; }

    /// <summary>The panic message.</summary>
    public string? PanicMessage { get; init; }

    /// <summary>Whether an oops killed a task (die() without panic).</summary>
    public required bool Oopsed { get; init; }

    /// <summary>Signals delivered, in pid order.</summary>
    public required IReadOnlyList<SignalRecord> Signals { get; init; }

    /// <summary>Syscalls, in order.</summary>
    public required IReadOnlyList<SyscallRecord> Syscalls { get; init; }

    /// <summary>memory_failure_queue() calls, in order.</summary>
    public required IReadOnlyList<QueuedRecord> Queued { get; init; }

    /// <summary>memory_failure verdicts, in order.</summary>
    public required IReadOnlyList<MemoryFailureRecord> MemoryFailures { get; init; }

    /// <summary>/proc/meminfo HardwareCorrupted in kB.</summary>
    public required long HardwareCorruptedKb { get; init; }

    /// <summary>The path's own result.</summary>
    public string? Result { get; init; }

    /// <summary>Whether a read came back short.</summary>
    public required bool ShortRead { get; init; }

    /// <summary>The console.</summary>
    public required IReadOnlyList<string> Dmesg { get; init; }

    /// <summary>The function_graph trace, when asked for.</summary>
    public IReadOnlyList<string>? Trace { get; init; }

    /// <summary>
    /// One word for the outcome matrix: panic, oops, SIGBUS/SIGKILL (to any task), the first failing syscall's
    /// errno, short read, or recovered.
    /// </summary>
    public string Summary =>
        Panicked ? "panic"
        : Oopsed ? "oops"
        : Signals.FirstOrDefault(s => s.Signo is Mm.Signals.SIGBUS or Mm.Signals.SIGKILL) is { } s ? Mm.Signals.Name(s.Signo)
        : Syscalls.FirstOrDefault(c => c.Errno != 0) is { } c ? Mm.Errno.Name(c.Errno)
        : ShortRead ? "short read"
        : "recovered";
}
