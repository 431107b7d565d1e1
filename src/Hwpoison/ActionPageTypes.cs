using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// action_page_types[] (mm/memory-failure.c): the strings action_result() and the ras:memory_failure_event
/// trace print, verbatim, in enum order.
/// </summary>
public static class ActionPageTypes
{
    [KernelSymbol("mm/memory-failure.c", "action_page_types")]
    private static readonly (ActionPageType Type, string Name)[] Table =
    [
        (ActionPageType.Kernel, "reserved kernel page"),
        (ActionPageType.KernelHighOrder, "high-order kernel page"),
        (ActionPageType.Huge, "huge page"),
        (ActionPageType.FreeHuge, "free huge page"),
        (ActionPageType.GetHwpoison, "get hwpoison page"),
        (ActionPageType.UnmapFailed, "unmapping failed page"),
        (ActionPageType.DirtySwapcache, "dirty swapcache page"),
        (ActionPageType.CleanSwapcache, "clean swapcache page"),
        (ActionPageType.DirtyMlockedLru, "dirty mlocked LRU page"),
        (ActionPageType.CleanMlockedLru, "clean mlocked LRU page"),
        (ActionPageType.DirtyUnevictableLru, "dirty unevictable LRU page"),
        (ActionPageType.CleanUnevictableLru, "clean unevictable LRU page"),
        (ActionPageType.DirtyLru, "dirty LRU page"),
        (ActionPageType.CleanLru, "clean LRU page"),
        (ActionPageType.TruncatedLru, "already truncated LRU page"),
        (ActionPageType.Buddy, "free buddy page"),
        (ActionPageType.Dax, "dax page"),
        (ActionPageType.UnsplitThp, "unsplit thp"),
        (ActionPageType.AlreadyPoisoned, "already poisoned page"),
        (ActionPageType.PfnMap, "non struct page pfn"),
        (ActionPageType.Unknown, "unknown page"),
    ];

    /// <summary>The string for a type; before the 2025 fix MF_MSG_ALREADY_POISONED read "already poisoned".</summary>
    public static string Name(ActionPageType type, HwpoisonOptions options) =>
        type == ActionPageType.AlreadyPoisoned && options.AlreadyPoisoned != AlreadyPoisonedReport.ActionResultOnly
            ? "already poisoned"
            : Table[(int)type].Name;

    /// <summary>
    /// The number the trace event's <c>type</c> field carries: without MF_MSG_PFN_MAP (v6.17) MF_MSG_UNKNOWN is 19,
    /// with it (mm-next) 20.
    /// </summary>
    public static int TraceValue(ActionPageType type, HwpoisonOptions options) =>
        type == ActionPageType.Unknown && !options.PfnMapPageType ? (int)type - 1 : (int)type;
}
