// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

namespace KernelModel.Mm;

/// <summary>task_struct->flags bits the recovery paths test (include/linux/sched.h, PF_*), with the kernel's values.</summary>
[Flags]
[KernelSymbol("include/linux/sched.h", "PF_MCE_PROCESS")]
public enum TaskFlags : uint
{
    None = 0,
    Exiting = 0x00000004,
    MceProcess = 0x00000080,
    Signaled = 0x00000400,
    Kthread = 0x00200000,
    MceEarly = 0x08000000,
}
