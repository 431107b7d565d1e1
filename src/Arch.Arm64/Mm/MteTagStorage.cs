using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// A minimal model of MTE allocation tags: 4 bits per 16-byte granule (128 bytes per page) held in tag storage,
/// and the page flags PG_mte_tagged / PG_mte_lock and the hugetlb folio's equivalents. Tag storage is DRAM the
/// CPU reads with LDGM, so it can hold poison like any other memory; the model keeps it in frames taken from
/// the buddy allocator when a page's tags are first touched and addresses it through the linear map, so LDGM
/// and STGM go through the CPU's memory port and a poisoned tag line raises a synchronous external abort.
/// </summary>
public sealed class MteTagStorage
{
    /// <summary>MTE_GRANULE_SIZE.</summary>
    public const int GranuleSize = 16;

    /// <summary>Tag-storage bytes per page: two 4-bit tags per byte.</summary>
    public const int BytesPerPage = PhysicalMemory.PageSize / GranuleSize / 2;

    private readonly Machine _machine;
    private readonly Dictionary<ulong, ulong> _storage = [];
    private readonly HashSet<ulong> _tagged = [];
    private readonly HashSet<ulong> _locked = [];
    private readonly HashSet<ulong> _hugetlbTagged = [];
    private readonly HashSet<ulong> _hugetlbLocked = [];
    private ulong _frame;
    private int _nextSlot = PhysicalMemory.PageSize / BytesPerPage;

    /// <summary>The tag storage of a machine.</summary>
    public MteTagStorage(Machine machine) => _machine = machine;

    /// <summary>The physical address of a page's tag storage (taken on first use).</summary>
    /// <exception cref="InvalidOperationException">No frame left for tag storage.</exception>
    public ulong TagPhysAddress(ulong pfn)
    {
        if (_storage.TryGetValue(pfn, out var pa))
        {
            return pa;
        }

        if (_nextSlot == PhysicalMemory.PageSize / BytesPerPage)
        {
            var folio = _machine.Allocator.AllocFolio(0) ?? throw new InvalidOperationException("no memory left for the MTE tag storage model");
            _frame = folio.Head.PhysAddr;
            _nextSlot = 0;
        }

        pa = _frame + (ulong)(_nextSlot++ * BytesPerPage);
        _storage[pfn] = pa;
        return pa;
    }

    /// <summary>The kernel address LDGM/STGM use for the tags of the granule at kernel address <paramref name="kva"/>.</summary>
    public ulong TagAddress(ulong kva)
    {
        var pa = kva - _machine.Arch.PageOffset;
        return _machine.PhysToVirt(TagPhysAddress(pa >> PhysicalMemory.PageShift) + ((pa & (PhysicalMemory.PageSize - 1)) / (2 * GranuleSize)));
    }

    /// <summary>mte_set_mem_tag_range() for one page: sets every granule's tag (setup, not a modelled access).</summary>
    [KernelSymbol("arch/arm64/include/asm/mte-kasan.h", "mte_set_mem_tag_range")]
    public void SetPageTags(Page page, ReadOnlySpan<byte> tags)
    {
        if (tags.Length != PhysicalMemory.PageSize / GranuleSize)
        {
            throw new ArgumentException($"a page has {PhysicalMemory.PageSize / GranuleSize} tags, not {tags.Length}", nameof(tags));
        }

        Span<byte> packed = stackalloc byte[BytesPerPage];
        for (var i = 0; i < BytesPerPage; i++)
        {
            packed[i] = (byte)((tags[2 * i] & 0xf) | ((tags[(2 * i) + 1] & 0xf) << 4));
        }

        _machine.Memory.Write(TagPhysAddress(page.Pfn), packed);
    }

    /// <summary>Every granule's tag of one page.</summary>
    public byte[] PageTags(Page page)
    {
        Span<byte> packed = stackalloc byte[BytesPerPage];
        _machine.Memory.Read(TagPhysAddress(page.Pfn), packed);
        var tags = new byte[PhysicalMemory.PageSize / GranuleSize];
        for (var i = 0; i < BytesPerPage; i++)
        {
            tags[2 * i] = (byte)(packed[i] & 0xf);
            tags[(2 * i) + 1] = (byte)(packed[i] >> 4);
        }

        return tags;
    }

    /// <summary>page_mte_tagged(): PG_mte_tagged.</summary>
    [KernelSymbol("arch/arm64/include/asm/mte.h", "page_mte_tagged")]
    public bool PageMteTagged(Page page) => _tagged.Count != 0 && _tagged.Contains(page.Pfn);

    /// <summary>set_page_mte_tagged().</summary>
    [KernelSymbol("arch/arm64/include/asm/mte.h", "set_page_mte_tagged")]
    public void SetPageMteTagged(Page page) => _tagged.Add(page.Pfn);

    /// <summary>try_page_mte_tagging(): takes PG_mte_lock; false when another user already took it.</summary>
    [KernelSymbol("arch/arm64/include/asm/mte.h", "try_page_mte_tagging")]
    public bool TryPageMteTagging(Page page) => _locked.Add(page.Pfn);

    /// <summary>folio_test_hugetlb_mte_tagged().</summary>
    [KernelSymbol("arch/arm64/include/asm/mte.h", "folio_test_hugetlb_mte_tagged")]
    public bool FolioTestHugetlbMteTagged(Folio folio) => _hugetlbTagged.Contains(folio.Pfn);

    /// <summary>folio_set_hugetlb_mte_tagged().</summary>
    [KernelSymbol("arch/arm64/include/asm/mte.h", "folio_set_hugetlb_mte_tagged")]
    public void FolioSetHugetlbMteTagged(Folio folio) => _hugetlbTagged.Add(folio.Pfn);

    /// <summary>folio_try_hugetlb_mte_tagging().</summary>
    [KernelSymbol("arch/arm64/include/asm/mte.h", "folio_try_hugetlb_mte_tagging")]
    public bool FolioTryHugetlbMteTagging(Folio folio) => _hugetlbLocked.Add(folio.Pfn);
}
