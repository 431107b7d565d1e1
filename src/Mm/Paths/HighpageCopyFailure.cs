namespace KernelModel.Mm;

/// <summary>
/// What the generic copy_mc_[user_]highpage() helpers (include/linux/highmem.h) return after consuming poison,
/// and, with it, how khugepaged tests that return value: the two changed together in one patch.
/// </summary>
public enum HighpageCopyFailure
{
    /// <summary>
    /// Series patch 3, "mm/hwpoison: return -EFAULT when copy fail in copy_mc_[user]_highpage()" (arm64
    /// ARCH_HAS_COPY_MC v13 3/5, listed in v14): the helpers return -EFAULT and __collapse_huge_page_copy /
    /// collapse_file test for non-zero.
    /// </summary>
    Efault,

    /// <summary>
    /// Upstream before that patch: the helpers return copy_mc_to_kernel's "bytes not copied" as an int, and
    /// khugepaged tests it with <c>&gt; 0</c> (so a negative return from an architecture override is missed).
    /// </summary>
    BytesNotCopied,
}
