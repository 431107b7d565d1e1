namespace KernelModel.Mm;

/// <summary>
/// What page->mapping points at: an anon_vma for anonymous pages (the kernel tags the pointer's low bit;
/// here the type says it), or a file's address_space. KSM pages point at a stable-tree node.
/// </summary>
public interface IPageMapping
{
    /// <summary>Whether this mapping makes the page anonymous (PageAnon).</summary>
    bool IsAnon { get; }
}
