namespace KernelModel.Mm;

/// <summary>The outcome of running a kernel path on the machine: it returned a value, or the kernel died on the way.</summary>
/// <typeparam name="T">What the path returns.</typeparam>
/// <param name="Completed">Whether the path returned.</param>
/// <param name="Value">Its return value when it did.</param>
/// <param name="Panicked">Whether the machine panicked.</param>
/// <param name="DeathMessage">The panic message or the oops line, when the kernel died.</param>
public sealed record KernelRun<T>(bool Completed, T? Value, bool Panicked, string? DeathMessage)
{
    /// <summary>Whether the kernel died (oops killing the task, or panic).</summary>
    public bool Died => !Completed;
}
