namespace KernelModel.Mm;

/// <summary>
/// anon_vma (include/linux/rmap.h): the reverse map of anonymous pages. A parent and its forked children
/// share one, so rmap walks (unmap, collect_procs_anon) find every VMA that may map an anonymous page.
/// </summary>
[KernelSymbol("include/linux/rmap.h", "anon_vma")]
public sealed class AnonVma : IPageMapping
{
    private readonly List<Vma> _vmas = [];

    /// <inheritdoc />
    public bool IsAnon => true;

    /// <summary>The VMAs chained to this anon_vma (anon_vma_chain), in the order they were linked.</summary>
    public IReadOnlyList<Vma> Vmas => _vmas;

    /// <summary>anon_vma_chain_link().</summary>
    public void Link(Vma vma)
    {
        if (!_vmas.Contains(vma))
        {
            _vmas.Add(vma);
        }
    }

    /// <summary>Unlinks a VMA on munmap or exit.</summary>
    public void Unlink(Vma vma) => _vmas.Remove(vma);
}
