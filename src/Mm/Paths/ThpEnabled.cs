namespace KernelModel.Mm;

/// <summary>/sys/kernel/mm/transparent_hugepage/enabled, as the anonymous page fault consults it (TVA_ENFORCE_SYSFS).</summary>
public enum ThpEnabled
{
    /// <summary>"always" (CONFIG_TRANSPARENT_HUGEPAGE_ALWAYS, the upstream Kconfig default): every suitable anonymous VMA.</summary>
    Always,

    /// <summary>"madvise": only VMAs with VM_HUGEPAGE (madvise(MADV_HUGEPAGE)); what many distributions ship.</summary>
    Madvise,

    /// <summary>"never": no THP on page faults.</summary>
    Never,
}
