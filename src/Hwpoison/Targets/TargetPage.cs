using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>A page built in a known state for an injection: the page to poison, who maps it and where.</summary>
/// <param name="Kind">The state it was built in.</param>
/// <param name="Page">The 4 KiB page to poison (a sub-page of a large folio).</param>
/// <param name="Owner">The process that uses it (null for kernel and free pages).</param>
/// <param name="Address">Where the owner maps the page, if it does.</param>
/// <param name="Mappers">Every process that maps it, owner first.</param>
/// <param name="File">The file it caches, for page-cache pages.</param>
public sealed record TargetPage(TargetPageKind Kind, Page Page, TaskStruct? Owner, ulong? Address, IReadOnlyList<TaskStruct> Mappers, Inode? File)
{
    /// <summary>The page's frame number.</summary>
    public ulong Pfn => Page.Pfn;

    /// <summary>The page's physical address.</summary>
    public ulong PhysAddr => Page.PhysAddr;
}
