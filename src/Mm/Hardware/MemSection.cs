namespace KernelModel.Mm;

/// <summary>
/// One SPARSEMEM section (include/linux/mmzone.h, struct mem_section): 2^SECTION_SIZE_BITS bytes of
/// physical memory. It keeps its memmap (struct page) and frame contents in pageblock-sized chunks that
/// exist only once something in them is touched, so a large untouched machine costs one null reference
/// per chunk.
/// </summary>
[KernelSymbol("include/linux/mmzone.h", "mem_section")]
internal sealed class MemSection(int nid)
{
    /// <summary>Pageblocks per section: 2^(SECTION_SIZE_BITS - PAGE_SHIFT - pageblock_order).</summary>
    public const int BlocksPerSection = 1 << (PhysicalMemory.SectionSizeBits - PhysicalMemory.PageShift - PhysicalMemory.PageblockOrder);

    private readonly Pageblock?[] _blocks = new Pageblock?[BlocksPerSection];

    /// <summary>The NUMA node this section belongs to.</summary>
    public int Nid { get; } = nid;

    /// <summary>The chunk holding <paramref name="blockIndex"/>, or null while nothing in it was touched.</summary>
    public Pageblock? Peek(int blockIndex) => _blocks[blockIndex];

    /// <summary>The chunk holding <paramref name="blockIndex"/>, created on first touch.</summary>
    public Pageblock Touch(int blockIndex) => _blocks[blockIndex] ??= new Pageblock();

    /// <summary>Number of pageblocks that exist.</summary>
    public int TouchedBlocks => _blocks.Count(b => b is not null);
}

/// <summary>
/// The touched part of a section: per frame, its bytes (null = never written, reads as zero),
/// its hardware poison (one bit per 64-byte line: a 4 KiB frame has exactly 64 lines) and its struct page.
/// </summary>
internal sealed class Pageblock
{
    public const int Frames = 1 << PhysicalMemory.PageblockOrder;

    public readonly byte[]?[] Data = new byte[]?[Frames];
    public readonly Page?[] MemMap = new Page?[Frames];
    public ulong[]? PoisonedLines;
}
