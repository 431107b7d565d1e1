namespace KernelModel.Mm;

/// <summary>A callback_head queued with task_work_add(): runs in the task's context on return to user.</summary>
/// <param name="Name">The kernel callback's name (kill_me_maybe, memory_failure_cb ...).</param>
/// <param name="Run">What it does.</param>
public sealed record TaskWork(string Name, Action Run);
