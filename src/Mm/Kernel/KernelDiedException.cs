namespace KernelModel.Mm;

/// <summary>
/// Unwinds the current kernel path when the simulated kernel dies (oops that kills the task, or panic),
/// as die() and panic() never return. Only <see cref="Machine.Run{T}"/> catches it: a death is an outcome,
/// never an exception that reaches the host.
/// </summary>
public sealed class KernelDiedException : Exception
{
    internal KernelDiedException(bool panicked, string message)
        : base(message) => Panicked = panicked;

    /// <summary>True for a panic (the machine is down); false for an oops that killed the current task.</summary>
    public bool Panicked { get; }
}
