using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>struct to_kill (mm/memory-failure.c): a task to signal, the user address of the page, and log2 of its extent.</summary>
/// <param name="Task">The task (the process's early-kill thread, or current).</param>
/// <param name="Address">The user virtual address, or null when it could not be found (-EFAULT).</param>
/// <param name="SizeShift">si_addr_lsb: PAGE_SHIFT, or the huge page shift.</param>
[KernelSymbol("mm/memory-failure.c", "to_kill")]
internal sealed record ToKill(TaskStruct Task, ulong? Address, int SizeShift);
