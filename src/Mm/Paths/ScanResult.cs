using System.Globalization;

// A kernel constant table: each member is named after its kernel enumerator, which is its documentation.
#pragma warning disable CS1591

namespace KernelModel.Mm;

/// <summary>
/// enum scan_result (mm/khugepaged.c) with the kernel's values as of v6.12 (SCAN_PAGE_RO present, so
/// SCAN_COPY_MC = 30; later kernels dropped SCAN_PAGE_RO and renumbered). The names the tracepoints print are
/// <see cref="ScanResultExtensions.TraceName"/>.
/// </summary>
[KernelSymbol("mm/khugepaged.c", "scan_result")]
public enum ScanResult
{
    ScanFail,
    ScanSucceed,
    ScanPmdNull,
    ScanPmdNone,
    ScanPmdMapped,
    ScanExceedNonePte,
    ScanExceedSwapPte,
    ScanExceedSharedPte,
    ScanPteNonPresent,
    ScanPteUffdWp,
    ScanPteMappedHugepage,
    ScanPageRo,
    ScanLackReferencedPage,
    ScanPageNull,
    ScanScanAbort,
    ScanPageCount,
    ScanPageLru,
    ScanPageLock,
    ScanPageAnon,
    ScanPageCompound,
    ScanAnyProcess,
    ScanVmaNull,
    ScanVmaCheck,
    ScanAddressRange,
    ScanDelPageLru,
    ScanAllocHugePageFail,
    ScanCgroupChargeFail,
    ScanTruncated,
    ScanPageHasPrivate,
    ScanStoreFailed,
    ScanCopyMc,
    ScanPageFilled,
}

/// <summary>The SCAN_STATUS strings of include/trace/events/huge_memory.h.</summary>
public static class ScanResultExtensions
{
    private static readonly string[] Names =
    [
        "failed", "succeeded", "pmd_null", "pmd_none", "page_pmd_mapped", "exceed_none_pte", "exceed_swap_pte", "exceed_shared_pte",
        "pte_non_present", "pte_uffd_wp", "pte_mapped_hugepage", "no_writable_page", "lack_referenced_page", "page_null", "scan_aborted",
        "not_suitable_page_count", "page_not_in_lru", "page_locked", "page_not_anon", "page_compound", "no_process_for_page", "vma_null",
        "vma_check_failed", "not_suitable_address_range", "could_not_delete_page_from_lru", "alloc_huge_page_failed",
        "ccgroup_charge_failed", "truncated", "page_has_private", "store_failed", "copy_poisoned_page", "page_filled",
    ];

    /// <summary>The tracepoint's name for a result, e.g. "copy_poisoned_page" for SCAN_COPY_MC.</summary>
    [KernelSymbol("include/trace/events/huge_memory.h", "SCAN_STATUS")]
    public static string TraceName(this ScanResult result) => Names[(int)result];

    /// <summary>The kernel's enumerator name, e.g. "SCAN_COPY_MC".</summary>
    public static string KernelName(this ScanResult result) =>
        "SCAN_" + string.Concat(result.ToString()[4..].Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString(CultureInfo.InvariantCulture)));
}
