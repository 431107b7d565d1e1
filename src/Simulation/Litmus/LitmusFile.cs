namespace KernelModel.Simulation.Litmus;

/// <summary>One step of a litmus file: a task performs one operation, optionally with its expected observation.</summary>
/// <param name="Number">1-based step number (the canonical form's key).</param>
/// <param name="Line">Line in the file.</param>
/// <param name="Task">The acting task's name.</param>
/// <param name="Op">The operation (mmap, read, madvise ...).</param>
/// <param name="Args">Its arguments.</param>
/// <param name="ModelOnly">Marked model-only: the real runner skips it.</param>
/// <param name="Expect">Expected observation fields (ret, errno, sig, data, map, exit) by name.</param>
public sealed record LitmusStep(int Number, int Line, string Task, string Op, IReadOnlyList<string> Args, bool ModelOnly,
    IReadOnlyDictionary<string, string> Expect)
{
    /// <summary>The step as the canonical form names it: task, operation and arguments.</summary>
    public string Text => Args.Count == 0 ? $"{Task} {Op}" : $"{Task} {Op} {string.Join(' ', Args)}";
}

/// <summary>A parsed litmus file (litmus/README.md).</summary>
/// <param name="Path">Where it was read from.</param>
/// <param name="Id">Its id.</param>
/// <param name="Summary">One line: what it shows.</param>
/// <param name="Requires">Features the real runner checks before running it.</param>
/// <param name="Late">Whether it runs after the others on a real machine (it leaves machine-wide state behind).</param>
/// <param name="Processes">The processes that exist at the start.</param>
/// <param name="Steps">The steps in order.</param>
/// <param name="Console">Expected console lines (normalized, '*' matches any text).</param>
/// <param name="Counters">Expected counter deltas by name (HardwareCorrupted=+4kB, total=+1 ...).</param>
public sealed record LitmusFile(string Path, string Id, string Summary, IReadOnlyList<string> Requires, bool Late,
    IReadOnlyList<string> Processes, IReadOnlyList<LitmusStep> Steps, IReadOnlyList<string> Console,
    IReadOnlyDictionary<string, string> Counters);
