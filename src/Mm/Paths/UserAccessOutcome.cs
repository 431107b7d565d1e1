namespace KernelModel.Mm;

/// <summary>How a task's user-mode load or store ended.</summary>
public enum UserAccessOutcome
{
    /// <summary>Every byte was accessed (after any page faults were resolved).</summary>
    Completed,

    /// <summary>A load consumed latent poison: the architecture's hardware-error trap ran (memory_failure, signals).</summary>
    Trapped,

    /// <summary>The page fault could not be resolved and the fault handler signalled the task (SIGBUS, SIGSEGV).</summary>
    Signalled,

    /// <summary>The fault ran out of memory (VM_FAULT_OOM; the OOM killer is not modelled).</summary>
    OutOfMemory,

    /// <summary>The task was already dead: nothing was accessed.</summary>
    TaskDead,
}
