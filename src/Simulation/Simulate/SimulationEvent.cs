namespace KernelModel.Simulation.Simulate;

/// <summary>What a timeline event is.</summary>
public enum SimulationEventKind
{
    /// <summary>Poison placed in a line.</summary>
    Injected,

    /// <summary>The patrol scrubber found a poisoned line and reported it.</summary>
    ScrubFound,

    /// <summary>A load consumed a poisoned line (a hardware-error trap).</summary>
    Consumed,

    /// <summary>A task was killed (SIGBUS, SIGKILL).</summary>
    TaskKilled,

    /// <summary>A syscall failed.</summary>
    SyscallFailed,

    /// <summary>An oops killed the task in the kernel.</summary>
    Oops,

    /// <summary>The machine panicked.</summary>
    Panic,
}

/// <summary>One event of the timeline.</summary>
/// <param name="Nanoseconds">Virtual time.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Actor">Who was running: a workload activity (<c>fork-and-write/fork</c>) or a kernel actor (<c>khugepaged</c>).</param>
/// <param name="Detail">One line of detail: the page class and pfn, the trap site and its fate, the signal, the errno.</param>
public sealed record SimulationEvent(long Nanoseconds, SimulationEventKind Kind, string Actor, string Detail)
{
    /// <summary>The kind's name in reports and JSON.</summary>
    public string KindName => Kind switch
    {
        SimulationEventKind.Injected => "injected",
        SimulationEventKind.ScrubFound => "scrub-found",
        SimulationEventKind.Consumed => "consumed",
        SimulationEventKind.TaskKilled => "task-killed",
        SimulationEventKind.SyscallFailed => "syscall-failed",
        SimulationEventKind.Oops => "oops",
        _ => "panic",
    };
}
