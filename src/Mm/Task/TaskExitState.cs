namespace KernelModel.Mm;

/// <summary>Whether a task still runs, and how it ended.</summary>
public enum TaskExitState
{
    /// <summary>Alive.</summary>
    Running,

    /// <summary>Exited by itself (exit(2)).</summary>
    Exited,

    /// <summary>Killed by a signal (<see cref="TaskStruct.ExitSignal"/> says which).</summary>
    Killed,
}
