using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// The series' copy_mc_highpage / copy_mc_user_highpage (v13 4/5, arch/arm64/mm/copypage.c), which replace the
/// generic helpers (__HAVE_ARCH_COPY_MC_HIGHPAGE) because MTE tags must be copied too: the data through
/// copy_mc_page, then the tags through mte_copy_mc_page_tags; any failure is -EFAULT. Unlike the generic
/// helper they do not call memory_failure_queue(): on arm64 the poisoned page is isolated by GHES on the SEA
/// path. KASAN hardware tags are not modelled (kasan_hw_tags_enabled() is false).
/// </summary>
public sealed class Arm64HighpageCopy : IArchHighpageCopy
{
    private readonly Machine _machine;
    private readonly bool _mte;
    private readonly CopyMcPage _copyMcPage;
    private readonly MteCopyMcPageTags _copyTags;
    private readonly MteTagStorage _tags;

    /// <summary>The helpers on a machine; <paramref name="mte"/> is system_supports_mte().</summary>
    public Arm64HighpageCopy(Machine machine, bool mte, CopyMcPage copyMcPage, MteCopyMcPageTags copyTags, MteTagStorage tags)
    {
        _machine = machine;
        _mte = mte;
        _copyMcPage = copyMcPage;
        _copyTags = copyTags;
        _tags = tags;
    }

    /// <inheritdoc />
    [KernelSymbol("arch/arm64/mm/copypage.c", "copy_mc_highpage")]
    public int CopyMcHighpage(Page to, Page from)
    {
        using var trace = _machine.Tracer.Enter("copy_mc_highpage");
        var kto = _machine.PageAddress(to);
        var kfrom = _machine.PageAddress(from);
        if (_copyMcPage.Copy(kto, kfrom) != 0)
        {
            return -Errno.EFAULT;
        }

        if (!_mte)
        {
            return 0;
        }

        var src = from.Folio;
        if (src.IsHugetlb)
        {
            // The whole folio's tags are copied once, when the copy reaches its first page.
            if (!_tags.FolioTestHugetlbMteTagged(src) || from != src.Head)
            {
                return 0;
            }

            var dst = to.Folio;
            _ = _tags.FolioTryHugetlbMteTagging(dst);
            for (ulong i = 0; i < src.NrPages; i++)
            {
                if (_copyTags.Copy(_machine.PageAddress(dst.PageAt(_machine.Memory, i)), _machine.PageAddress(src.PageAt(_machine.Memory, i))) != 0)
                {
                    return -Errno.EFAULT;
                }
            }

            _tags.FolioSetHugetlbMteTagged(dst);
        }
        else if (_tags.PageMteTagged(from))
        {
            // A new page: nobody else is tagging it (the kernel WARNs otherwise).
            _ = _tags.TryPageMteTagging(to);
            if (_copyTags.Copy(kto, kfrom) != 0)
            {
                return -Errno.EFAULT;
            }

            _tags.SetPageMteTagged(to);
        }

        return 0;
    }

    /// <inheritdoc />
    /// <remarks>On success the kernel also calls flush_dcache_page(to), which has no state in the model.</remarks>
    [KernelSymbol("arch/arm64/mm/copypage.c", "copy_mc_user_highpage")]
    public int CopyMcUserHighpage(Page to, Page from, ulong vaddr, Vma vma)
    {
        using var trace = _machine.Tracer.Enter("copy_mc_user_highpage");
        return CopyMcHighpage(to, from);
    }
}
