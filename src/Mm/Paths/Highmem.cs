namespace KernelModel.Mm;

/// <summary>
/// The page copy and clear helpers of include/linux/highmem.h. With copy_mc_to_kernel (ARCH_HAS_COPY_MC) the
/// copy_mc_ helpers recover: a copy that consumes poison queues memory_failure(pfn of the 4 KiB source page, 0)
/// and returns -EFAULT (or the bytes not copied, per <see cref="MmOptions.HighpageCopyFailure"/>). An
/// architecture may override them (__HAVE_ARCH_COPY_MC_[USER_]HIGHPAGE, arm64 for MTE tags); the override's own
/// semantics then apply and nothing is queued here. Without ARCH_HAS_COPY_MC they are copy_[user_]highpage(),
/// plain copies that return 0, so poison kills the kernel in the trap handler.
/// </summary>
public static class Highmem
{
    /// <summary>copy_mc_user_highpage(): copies a user page for a COW-like path; 0 on success.</summary>
    [KernelSymbol("include/linux/highmem.h", "copy_mc_user_highpage")]
    public static int CopyMcUserHighpage(Machine machine, Page to, Page from, ulong vaddr, Vma vma)
    {
        var copy = machine.Arch.CopyMc;
        if (copy.HasArchCopyMc && copy.HighpageOverride is { } arch)
        {
            // __HAVE_ARCH_COPY_MC_USER_HIGHPAGE: the architecture's function replaces this one (and traces itself).
            return arch.CopyMcUserHighpage(to, from, vaddr, vma);
        }

        using (machine.Tracer.Enter("copy_mc_user_highpage"))
        {
            if (!copy.HasArchCopyMc)
            {
                CopyUserHighpage(machine, to, from);
                return 0;
            }

            return CopyMcToKernelPage(machine, copy, to, from);
        }
    }

    /// <summary>copy_mc_highpage(): copies a kernel-owned page (page cache, migration); 0 on success.</summary>
    [KernelSymbol("include/linux/highmem.h", "copy_mc_highpage")]
    public static int CopyMcHighpage(Machine machine, Page to, Page from)
    {
        var copy = machine.Arch.CopyMc;
        if (copy.HasArchCopyMc && copy.HighpageOverride is { } arch)
        {
            // __HAVE_ARCH_COPY_MC_HIGHPAGE: the architecture's function replaces this one (and traces itself).
            return arch.CopyMcHighpage(to, from);
        }

        using (machine.Tracer.Enter("copy_mc_highpage"))
        {
            if (!copy.HasArchCopyMc)
            {
                CopyHighpage(machine, to, from);
                return 0;
            }

            return CopyMcToKernelPage(machine, copy, to, from);
        }
    }

    /// <summary>
    /// Whether a copy_mc_[user_]highpage() return value means the copy failed, as khugepaged tests it: non-zero with
    /// series patch 3, <c>&gt; 0</c> before it.
    /// </summary>
    public static bool CopyFailed(Machine machine, int ret) =>
        machine.Config.Mm.HighpageCopyFailure == HighpageCopyFailure.Efault ? ret != 0 : ret > 0;

    /// <summary>copy_user_highpage(): the plain copy (no recovery).</summary>
    [KernelSymbol("include/linux/highmem.h", "copy_user_highpage")]
    public static void CopyUserHighpage(Machine machine, Page to, Page from)
    {
        using (machine.Tracer.Enter("copy_user_highpage"))
        {
            CopyPage.Run(machine, machine.PageAddress(to), machine.PageAddress(from));
        }
    }

    /// <summary>copy_highpage(): the plain copy (no recovery).</summary>
    [KernelSymbol("include/linux/highmem.h", "copy_highpage")]
    public static void CopyHighpage(Machine machine, Page to, Page from)
    {
        using (machine.Tracer.Enter("copy_highpage"))
        {
            CopyPage.Run(machine, machine.PageAddress(to), machine.PageAddress(from));
        }
    }

    /// <summary>
    /// clear_user_highpage() / clear_highpage(): zero-fills a page (stores never consume poison). A frame that
    /// already reads as zero is left as it is, so clearing a gigantic page costs no host memory.
    /// </summary>
    [KernelSymbol("include/linux/highmem.h", "clear_user_highpage")]
    [KernelSymbol("include/linux/highmem.h", "clear_highpage")]
    public static void ClearHighpage(Machine machine, Page page)
    {
        if (machine.Memory.FrameForRead(page.Pfn).ContainsAnyExcept((byte)0))
        {
            machine.Memory.FrameForWrite(page.Pfn).Clear();
        }
    }

    /// <summary>folio_zero_user() / clear_huge_page(): zero-fills every page of a folio.</summary>
    [KernelSymbol("mm/memory.c", "folio_zero_user")]
    public static void FolioZeroUser(Machine machine, Folio folio)
    {
        for (ulong i = 0; i < folio.NrPages; i++)
        {
            ClearHighpage(machine, folio.PageAt(machine.Memory, i));
        }
    }

    // The generic body both copy_mc helpers share when copy_mc_to_kernel exists.
    private static int CopyMcToKernelPage(Machine machine, IArchCopyMc copy, Page to, Page from)
    {
        ulong left;
        using (machine.Tracer.Enter("copy_mc_to_kernel"))
        {
            left = copy.CopyMcToKernel(machine.PageAddress(to), machine.PageAddress(from), PhysicalMemory.PageSize);
        }

        if (left == 0)
        {
            return 0;
        }

        machine.Tracer.Note($"copy_mc_to_kernel: {left} bytes not copied");

        machine.MemoryFailureHandler.MemoryFailureQueue(from.Pfn, MfFlags.None);
        return machine.Config.Mm.HighpageCopyFailure == HighpageCopyFailure.Efault ? -Errno.EFAULT : (int)left;
    }
}
