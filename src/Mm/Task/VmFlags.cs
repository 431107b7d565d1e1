// A kernel constant table: each member is named after its kernel macro, which is its documentation.
#pragma warning disable CS1591

namespace KernelModel.Mm;

/// <summary>vm_area_struct->vm_flags bits the paths test (include/linux/mm.h, VM_*), with the kernel's values.</summary>
[Flags]
[KernelSymbol("include/linux/mm.h", "VM_HUGETLB")]
public enum VmFlags : ulong
{
    None = 0,
    Read = 0x00000001,
    Write = 0x00000002,
    Exec = 0x00000004,
    Shared = 0x00000008,
    MayRead = 0x00000010,
    MayWrite = 0x00000020,
    MayExec = 0x00000040,
    MayShare = 0x00000080,
    Growsdown = 0x00000100,
    Pfnmap = 0x00000400,
    Locked = 0x00002000,
    Io = 0x00004000,
    DontCopy = 0x00020000,
    DontExpand = 0x00040000,
    Account = 0x00100000,
    Noreserve = 0x00200000,
    Hugetlb = 0x00400000,
    WipeOnFork = 0x02000000,
    DontDump = 0x04000000,
    Mixedmap = 0x10000000,
    Hugepage = 0x20000000,
    Nohugepage = 0x40000000,
    Mergeable = 0x80000000,
}
