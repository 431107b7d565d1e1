namespace KernelModel.Simulation.Simulate;

/// <summary>How a simulation ended.</summary>
public enum SimulationEnd
{
    /// <summary>It ran for the whole duration.</summary>
    Completed,

    /// <summary>The machine panicked; nothing runs after a panic.</summary>
    Panicked,

    /// <summary>Ctrl+C stopped it; the result covers the time done.</summary>
    Interrupted,
}

/// <summary>Consumptions by one actor: in user mode, in kernel mode with the fixup taken, in kernel mode where the kernel died.</summary>
/// <param name="User">User-mode loads.</param>
/// <param name="KernelFixup">Kernel-mode loads whose exception-table fixup was taken.</param>
/// <param name="KernelDied">Kernel-mode loads after which the kernel died.</param>
public sealed record ConsumerCounts(int User, int KernelFixup, int KernelDied)
{
    /// <summary>All of them.</summary>
    public int Total => User + KernelFixup + KernelDied;
}

/// <summary>What one machine showed over its run: the counts the report prints and the timeline behind them.</summary>
public sealed class SimulationResult
{
    /// <summary>The run's options.</summary>
    public required SimulateOptions Options { get; init; }

    /// <summary>The workloads that ran (the kernel's objects first).</summary>
    public required IReadOnlyList<string> Workloads { get; init; }

    /// <summary>How it ended.</summary>
    public required SimulationEnd End { get; init; }

    /// <summary>Virtual time reached.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Every event, in time order.</summary>
    public required IReadOnlyList<SimulationEvent> Events { get; init; }

    /// <summary>Consumptions by actor.</summary>
    public required IReadOnlyDictionary<string, ConsumerCounts> ConsumedBy { get; init; }

    /// <summary>How often each actor ran.</summary>
    public required IReadOnlyDictionary<string, int> ActorRuns { get; init; }

    /// <summary>Entries the memory_failure worker handled.</summary>
    public required int WorkerHandled { get; init; }

    /// <summary>memory_failure verdicts: "page type: result" and how many.</summary>
    public required IReadOnlyDictionary<string, int> MemoryFailures { get; init; }

    /// <summary>Pages the kernel marked PG_hwpoison (HardwareCorrupted / 4 kB).</summary>
    public required long PagesIsolated { get; init; }

    /// <summary>Processes started again after they died.</summary>
    public required int Restarts { get; init; }

    /// <summary>The panic message, when the machine panicked.</summary>
    public string? PanicMessage { get; init; }

    /// <summary>The console.</summary>
    public required IReadOnlyList<string> Dmesg { get; init; }

    /// <summary>Events of one kind.</summary>
    public int Count(SimulationEventKind kind) => Events.Count(e => e.Kind == kind);
}
