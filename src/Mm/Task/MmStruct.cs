namespace KernelModel.Mm;

/// <summary>
/// mm_struct (include/linux/mm_types.h): a process's VMAs and page tables. New mappings are placed top-down
/// from the mmap base (<see cref="MmapBase"/>, or <see cref="MmapBaseFor"/> a smaller user space), aligned to
/// the mapping's page size, as the default mmap layout does.
/// </summary>
[KernelSymbol("include/linux/mm_types.h", "mm_struct")]
public sealed class MmStruct
{
    /// <summary>mmap_base of the model's layout (below a 47-bit user space).</summary>
    public const ulong MmapBase = 0x7f00_0000_0000;

    /// <summary>MIN_GAP (mm/util.c): the least room mmap_base() leaves below TASK_SIZE for the stack.</summary>
    public const ulong MinGap = 128UL << 20;

    private readonly SortedList<ulong, Vma> _vmas = [];
    private ulong _nextTop;

    /// <summary>An empty address space whose mappings are placed below <paramref name="mmapBase"/>.</summary>
    public MmStruct(ulong mmapBase = MmapBase)
    {
        _nextTop = mmapBase;
    }

    /// <summary>
    /// mmap_base() (mm/util.c) for a user space of <paramref name="taskSize"/> bytes: the model's base, or at
    /// least MIN_GAP below TASK_SIZE when the user space is smaller (RV32, RISC-V Sv39).
    /// </summary>
    [KernelSymbol("mm/util.c", "mmap_base")]
    public static ulong MmapBaseFor(ulong taskSize) => Math.Min(MmapBase, taskSize - MinGap);

    /// <summary>The task this mm belongs to (mm->owner), for reports.</summary>
    public TaskStruct? Owner { get; internal set; }

    /// <summary>The page tables.</summary>
    public PageTable PageTable { get; } = new();

    /// <summary>
    /// MMF_HAS_PINNED: some page of this mm was pinned with FOLL_PIN, so fork must copy pinned anonymous pages
    /// instead of sharing them (folio_needs_cow_for_dma). Set by pin_user_pages and never cleared.
    /// </summary>
    public bool HasPinned { get; set; }

    /// <summary>VMAs in address order.</summary>
    public IReadOnlyList<Vma> Vmas => [.. _vmas.Values];

    /// <summary>find_vma(): the VMA that contains <paramref name="address"/>, or null.</summary>
    [KernelSymbol("mm/mmap.c", "find_vma")]
    public Vma? FindVma(ulong address)
    {
        var keys = _vmas.Keys;
        int lo = 0, hi = keys.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            var vma = _vmas.Values[mid];
            if (address < vma.Start)
            {
                hi = mid - 1;
            }
            else if (address >= vma.End)
            {
                lo = mid + 1;
            }
            else
            {
                return vma;
            }
        }

        return null;
    }

    /// <summary>
    /// do_mmap(): creates a VMA of <paramref name="length"/> bytes (rounded up to <paramref name="align"/>)
    /// below the previous mapping. Anonymous private and shared mappings get an anon_vma when they get anonymous
    /// pages; file mappings are linked into the file's i_mmap.
    /// </summary>
    /// <exception cref="ArgumentException">Zero length, or an alignment that is not a page-size power of two.</exception>
    [KernelSymbol("mm/mmap.c", "do_mmap")]
    public Vma Mmap(ulong length, VmFlags flags, Inode? file = null, ulong pgoff = 0, ulong align = PhysicalMemory.PageSize)
    {
        if (length == 0)
        {
            throw new ArgumentException("mmap length must be positive", nameof(length));
        }

        if (align < PhysicalMemory.PageSize || (align & (align - 1)) != 0)
        {
            throw new ArgumentException($"alignment {Printf.HashLx(align)} is not a power-of-two multiple of PAGE_SIZE", nameof(align));
        }

        var size = (length + align - 1) & ~(align - 1);
        var start = (_nextTop - size) & ~(align - 1);
        _nextTop = start - PhysicalMemory.PageSize;
        var vma = new Vma(this, start, start + size, flags | VmFlags.MayRead | VmFlags.MayWrite, file, pgoff);
        _vmas.Add(start, vma);
        file?.Mapping.IMmap.Add(vma);
        return vma;
    }

    /// <summary>Inserts a VMA at a fixed place (fork copies the parent's layout).</summary>
    /// <exception cref="ArgumentException">It overlaps an existing VMA.</exception>
    public Vma InsertVma(ulong start, ulong end, VmFlags flags, Inode? file, ulong pgoff)
    {
        if (_vmas.Values.Any(v => start < v.End && end > v.Start))
        {
            throw new ArgumentException($"[{Printf.HashLx(start)}, {Printf.HashLx(end)}) overlaps an existing mapping", nameof(start));
        }

        var vma = new Vma(this, start, end, flags, file, pgoff);
        _vmas.Add(start, vma);
        _nextTop = Math.Min(_nextTop, start - PhysicalMemory.PageSize);
        file?.Mapping.IMmap.Add(vma);
        return vma;
    }

    /// <summary>Removes a VMA (its page table entries must already be zapped by the caller).</summary>
    public void RemoveVma(Vma vma)
    {
        _vmas.Remove(vma.Start);
        vma.File?.Mapping.IMmap.Remove(vma);
        vma.AnonVma?.Unlink(vma);
    }
}
