// A kernel constant table: each member is named after its kernel enumerator, which is its documentation.
#pragma warning disable CS1591

using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// enum mf_action_page_type (include/linux/mm.h) in the order of the newest tree: what kind of page
/// action_result() reports. The trace event carries the kernel's number, which depends on the version
/// (<see cref="ActionPageTypes.TraceValue"/>).
/// </summary>
[KernelSymbol("include/linux/mm.h", "mf_action_page_type")]
public enum ActionPageType
{
    Kernel,
    KernelHighOrder,
    Huge,
    FreeHuge,
    GetHwpoison,
    UnmapFailed,
    DirtySwapcache,
    CleanSwapcache,
    DirtyMlockedLru,
    CleanMlockedLru,
    DirtyUnevictableLru,
    CleanUnevictableLru,
    DirtyLru,
    CleanLru,
    TruncatedLru,
    Buddy,
    Dax,
    UnsplitThp,
    AlreadyPoisoned,
    PfnMap,
    Unknown,
}
