namespace KernelModel.Mm;

/// <summary>
/// vm_area_struct (include/linux/mm_types.h): [Start, End) of one mapping with its flags, and what backs it:
/// nothing (anonymous), a file's page cache (shmem and hugetlbfs are files too), with its anon_vma for
/// private copies.
/// </summary>
[KernelSymbol("include/linux/mm_types.h", "vm_area_struct")]
public sealed class Vma
{
    internal Vma(MmStruct mm, ulong start, ulong end, VmFlags flags, Inode? file, ulong pgoff)
    {
        Mm = mm;
        Start = start;
        End = end;
        Flags = flags;
        File = file;
        PgOff = pgoff;
    }

    /// <summary>vm_mm.</summary>
    public MmStruct Mm { get; }

    /// <summary>vm_start.</summary>
    public ulong Start { get; }

    /// <summary>vm_end (exclusive).</summary>
    public ulong End { get; }

    /// <summary>vm_flags.</summary>
    public VmFlags Flags { get; set; }

    /// <summary>vm_file's inode, or null for an anonymous mapping.</summary>
    public Inode? File { get; }

    /// <summary>vm_pgoff: the file offset of <see cref="Start"/> in pages.</summary>
    public ulong PgOff { get; }

    /// <summary>anon_vma: set once the mapping has anonymous pages (private COW copies included).</summary>
    public AnonVma? AnonVma { get; set; }

    /// <summary>hstate_vma(): the huge page size of a VM_HUGETLB mapping (its hugetlbfs mount's page size); null otherwise.</summary>
    public Hstate? Hstate { get; set; }

    /// <summary>vma_is_anonymous().</summary>
    [KernelSymbol("include/linux/mm.h", "vma_is_anonymous")]
    public bool IsAnonymous => File is null;

    /// <summary>is_vm_hugetlb_page().</summary>
    [KernelSymbol("include/linux/hugetlb_inline.h", "is_vm_hugetlb_page")]
    public bool IsHugetlb => (Flags & VmFlags.Hugetlb) != 0;

    /// <summary>Whether writes go to the shared object (VM_SHARED) rather than a private copy.</summary>
    public bool IsShared => (Flags & VmFlags.Shared) != 0;

    /// <summary>Length in bytes.</summary>
    public ulong Length => End - Start;

    /// <summary>Whether the address lies in the VMA.</summary>
    public bool Contains(ulong address) => address >= Start && address < End;

    /// <summary>linear_page_index(): the page index in the file (or anon_vma) of an address.</summary>
    [KernelSymbol("include/linux/pagemap.h", "linear_page_index")]
    public ulong LinearPageIndex(ulong address) => ((address - Start) >> PhysicalMemory.PageShift) + PgOff;

    /// <summary>The address at which a page index is mapped (vma_address), or null when outside the VMA.</summary>
    [KernelSymbol("mm/internal.h", "vma_address")]
    public ulong? AddressOf(ulong pageIndex)
    {
        if (pageIndex < PgOff)
        {
            return null;
        }

        var address = Start + ((pageIndex - PgOff) << PhysicalMemory.PageShift);
        return address < End ? address : null;
    }

    /// <inheritdoc />
    public override string ToString() => $"vma {Start:x}-{End:x} {Flags}";
}
