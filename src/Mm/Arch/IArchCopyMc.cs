namespace KernelModel.Mm;

/// <summary>
/// The machine-check-safe copy contract (include/linux/uaccess.h, highmem.h). Addresses are kernel virtual
/// addresses (the linear map) or, for the user destination, user virtual addresses in the current mm.
/// The copies run on the machine's current CPU.
/// </summary>
public interface IArchCopyMc
{
    /// <summary>CONFIG_ARCH_HAS_COPY_MC: whether the copies below can survive poison at all.</summary>
    bool HasArchCopyMc { get; }

    /// <summary>copy_mc_to_kernel(): 0, or the architecture's "bytes not copied" after consuming poison in the source.</summary>
    ulong CopyMcToKernel(ulong dst, ulong src, ulong len);

    /// <summary>copy_mc_to_user(): 0, or the architecture's "bytes not copied".</summary>
    ulong CopyMcToUser(ulong udst, ulong src, ulong len);

    /// <summary>
    /// The architecture's own copy_mc_highpage / copy_mc_user_highpage (__HAVE_ARCH_COPY_MC_HIGHPAGE), or null
    /// when the generic helpers in include/linux/highmem.h are used.
    /// </summary>
    IArchHighpageCopy? HighpageOverride { get; }
}

/// <summary>An architecture's override of the page-copy helpers (arm64 in the series, for MTE tags).</summary>
public interface IArchHighpageCopy
{
    /// <summary>copy_mc_highpage(): 0 or a negative errno.</summary>
    int CopyMcHighpage(Page to, Page from);

    /// <summary>copy_mc_user_highpage(): 0 or a negative errno.</summary>
    int CopyMcUserHighpage(Page to, Page from, ulong vaddr, Vma vma);
}
