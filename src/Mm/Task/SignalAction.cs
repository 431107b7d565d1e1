namespace KernelModel.Mm;

/// <summary>A task's disposition for one signal (sigaction).</summary>
public enum SignalAction
{
    /// <summary>SIG_DFL: for SIGBUS, SIGSEGV and SIGKILL, terminate (with a core dump for the first two).</summary>
    Default,

    /// <summary>SIG_IGN.</summary>
    Ignore,

    /// <summary>A user handler: the signal is delivered and the task goes on.</summary>
    Handler,
}
