using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KernelModel.Mm;

/// <summary>
/// The machine's DRAM: 4 KiB frames in SPARSEMEM sections spread over NUMA nodes, and the hardware's own
/// knowledge of poison (an uncorrectable error latent in a 64-byte line), which is separate from what the
/// kernel knows (PG_hwpoison). Reading a poisoned line here does not fault: faults are raised by the CPU's
/// memory port (<see cref="Cpu"/>), which asks <see cref="RangeHasPoison"/> first.
/// </summary>
public sealed class PhysicalMemory
{
    /// <summary>PAGE_SHIFT: 4 KiB frames.</summary>
    public const int PageShift = 12;

    /// <summary>PAGE_SIZE.</summary>
    public const int PageSize = 1 << PageShift;

    /// <summary>log2 of the poison granule: one cache line of 64 bytes.</summary>
    public const int LineShift = 6;

    /// <summary>Bytes in a cache line, the unit hardware marks poisoned.</summary>
    public const int LineSize = 1 << LineShift;

    /// <summary>SECTION_SIZE_BITS as x86-64 and arm64 set it (128 MiB sections).</summary>
    public const int SectionSizeBits = 27;

    /// <summary>pageblock_order for 4 KiB pages and 2 MiB PMDs.</summary>
    public const int PageblockOrder = 9;

    private const int PfnSectionShift = SectionSizeBits - PageShift;
    private const int LinesPerPage = PageSize / LineSize;

    // A frame's host array: 4096 bytes and a pad that makes the array's footprint on the heap (header and length
    // included) a multiple of 64 bytes. Frames live on the pinned object heap, so they never move and frames
    // allocated one after another share their offset within a cache line: a page copy between two of them is a
    // memmove between equally aligned buffers, as between two page-aligned kernel pages, whatever the run.
    private const int FrameArrayLength = PageSize + 40;

    private static readonly byte[] ZeroFrame = new byte[FrameArrayLength];

    // SPARSEMEM's memmap, kept one pageblock at a time: a chunk exists only once something in it is touched, so a
    // large untouched machine costs one null reference per 2 MiB.
    [KernelSymbol("include/linux/mmzone.h", "mem_section")]
    private readonly Pageblock?[] _pageblocks;

    // The pageblocks that have a poison bitmap (it is created at the first injection in the block and kept), in
    // address order: the scrubber's walk over poisoned lines visits these, not every pageblock of the machine.
    private readonly SortedSet<int> _blocksWithPoison = [];
    private long _poisonedLines;
    private long _touchedFrames;

    /// <summary>Creates memory of <paramref name="bytes"/> split evenly over <paramref name="nodes"/> nodes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is not a whole number of sections per node, or nodes is not positive.</exception>
    public PhysicalMemory(ulong bytes, int nodes = 1)
    {
        const ulong sectionBytes = 1UL << SectionSizeBits;
        if (nodes < 1 || nodes > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(nodes), nodes, "the number of NUMA nodes must be 1..64");
        }

        if (bytes == 0 || bytes % (sectionBytes * (ulong)nodes) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes,
                $"memory must be a positive multiple of {nodes} x 128 MiB (one SPARSEMEM section per node at least)");
        }

        Size = bytes;
        MaxPfn = bytes >> PageShift;
        var perNode = MaxPfn / (ulong)nodes;
        Nodes = Enumerable.Range(0, nodes).Select(n => new NumaNode(n, (ulong)n * perNode, perNode)).ToArray();
        _pageblocks = new Pageblock?[MaxPfn >> PageblockOrder];
    }

    /// <summary>Bytes of physical memory.</summary>
    public ulong Size { get; }

    /// <summary>One past the highest valid page frame number.</summary>
    public ulong MaxPfn { get; }

    /// <summary>The NUMA nodes, in nid order.</summary>
    public IReadOnlyList<NumaNode> Nodes { get; }

    /// <summary>Frames whose contents have been written at least once.</summary>
    public long TouchedFrames => Interlocked.Read(ref _touchedFrames);

    /// <summary>Lines that currently hold hardware poison.</summary>
    public long PoisonedLines => Interlocked.Read(ref _poisonedLines);

    /// <summary>Sections in the memory map.</summary>
    public int SectionCount => (int)(MaxPfn >> PfnSectionShift);

    /// <summary>Pageblock-sized chunks of metadata that exist (something in them was touched).</summary>
    public int TouchedPageblocks => _pageblocks.Count(b => b is not null);

    /// <summary>pfn_valid(): whether a frame with this number exists.</summary>
    [KernelSymbol("include/linux/mmzone.h", "pfn_valid")]
    public bool PfnValid(ulong pfn) => pfn < MaxPfn;

    /// <summary>The node of a valid frame.</summary>
    public int NodeOf(ulong pfn)
    {
        CheckPfn(pfn);
        return (int)Math.Min(pfn / Nodes[0].SpannedPages, (ulong)Nodes.Count - 1);
    }

    /// <summary>
    /// pfn_to_page(): the frame's struct page, created on first use. It stays for the machine's life, as the
    /// memmap does, so a page handle can be held and compared.
    /// </summary>
    [KernelSymbol("include/asm-generic/memory_model.h", "pfn_to_page")]
    public Page PfnToPage(ulong pfn)
    {
        var block = Block(pfn);
        var i = (int)(pfn & (Pageblock.Frames - 1));
        return block.MemMap[i] ??= new Page(pfn, NodeOf(pfn));
    }

    /// <summary>The struct page if it has been created, else null (nothing ever looked at this frame).</summary>
    public Page? PeekPage(ulong pfn)
    {
        CheckPfn(pfn);
        var block = PeekBlock(pfn);
        return block?.MemMap[(int)(pfn & (Pageblock.Frames - 1))];
    }

    /// <summary>The frame's current contents (read-only; an untouched frame reads as zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> FrameForRead(ulong pfn)
    {
        CheckPfn(pfn);
        var block = PeekBlock(pfn);
        return (block?.Data[(int)(pfn & (Pageblock.Frames - 1))] ?? ZeroFrame).AsSpan(0, PageSize);
    }

    /// <summary>The frame's contents for writing; the frame's bytes come into existence here.</summary>
    public Span<byte> FrameForWrite(ulong pfn) => FrameBytes(pfn).AsSpan(0, PageSize);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte[] FrameBytes(ulong pfn)
    {
        var block = Block(pfn);
        var i = (int)(pfn & (Pageblock.Frames - 1));
        return block.Data[i] ?? FirstWrite(block, i);
    }

    private byte[] FirstWrite(Pageblock block, int i)
    {
        Interlocked.Increment(ref _touchedFrames);
        return block.Data[i] = GC.AllocateArray<byte>(FrameArrayLength, pinned: true);
    }

    /// <summary>
    /// Whether any byte of [pa, pa+length) lies in a poisoned line, for a non-empty range inside one frame of
    /// valid memory (the CPU's translated access): one bitmap word decides it.
    /// </summary>
    internal bool FrameRangeHasPoison(ulong pa, int length)
    {
        if (_poisonedLines == 0)
        {
            return false;
        }

        var pfn = pa >> PageShift;
        CheckPfn(pfn);
        if (PeekBlock(pfn)?.PoisonedLines is not { } lines)
        {
            return false;
        }

        var mask = lines[(int)(pfn & (Pageblock.Frames - 1))];
        if (mask == 0)
        {
            return false;
        }

        var firstLine = (int)((pa >> LineShift) & (LinesPerPage - 1));
        var lastLine = (int)(((pa + (ulong)length - 1) >> LineShift) & (LinesPerPage - 1));
        return (mask >> firstLine << (63 - lastLine + firstLine)) != 0;
    }

    /// <summary>
    /// Copies <paramref name="length"/> bytes (at least 1) between two ranges that each lie inside one frame of valid
    /// memory, unless a line of the source range is poisoned: then nothing changes and the result is false. The
    /// source's pageblock is looked up once for its poison and its bytes.
    /// </summary>
    internal bool TryCopyInFrames(ulong dpa, ulong spa, int length)
    {
        // The caller translated both ranges, so both frames exist and the offsets need no further bounds checks.
        // After a page copy the store buffer is full of stores to every 4 KiB offset, and each load here waits
        // for it (4K aliasing): the fewer loads, the closer this is to a bare memmove.
        var spfn = spa >> PageShift;
        var dpfn = dpa >> PageShift;
        var blocks = _pageblocks;
        var sblock = blocks[spfn >> PageblockOrder];
        var si = (int)(spfn & (Pageblock.Frames - 1));
        if (_poisonedLines != 0 && sblock?.PoisonedLines is { } lines && lines[si] != 0)
        {
            var firstLine = (int)((spa >> LineShift) & (LinesPerPage - 1));
            var lastLine = (int)(((spa + (ulong)length - 1) >> LineShift) & (LinesPerPage - 1));
            if ((lines[si] >> firstLine << (63 - lastLine + firstLine)) != 0)
            {
                return false;
            }
        }

        var source = sblock?.Data[si] ?? ZeroFrame;
        var dblock = blocks[dpfn >> PageblockOrder] ?? NewPageblock(dpfn);
        var di = (int)(dpfn & (Pageblock.Frames - 1));
        var destination = dblock.Data[di] ?? FirstWrite(dblock, di);
        Unsafe.CopyBlockUnaligned(
            ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(destination), (nint)(dpa & (PageSize - 1))),
            ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(source), (nint)(spa & (PageSize - 1))),
            (uint)length);
        return true;
    }

    /// <summary>Copies <paramref name="length"/> bytes between two ranges that each lie inside one frame (no poison check).</summary>
    internal void CopyInFrames(ulong dpa, ulong spa, int length) =>
        FrameForRead(spa >> PageShift).Slice((int)(spa & (PageSize - 1)), length)
            .CopyTo(FrameForWrite(dpa >> PageShift).Slice((int)(dpa & (PageSize - 1)), length));

    /// <summary>Reads a range that lies inside one frame (no poison check).</summary>
    internal void ReadInFrame(ulong pa, Span<byte> destination) =>
        FrameForRead(pa >> PageShift).Slice((int)(pa & (PageSize - 1)), destination.Length).CopyTo(destination);

    /// <summary>Writes a range that lies inside one frame.</summary>
    internal void WriteInFrame(ulong pa, ReadOnlySpan<byte> source) =>
        source.CopyTo(FrameForWrite(pa >> PageShift).Slice((int)(pa & (PageSize - 1)), source.Length));

    /// <summary>Reads bytes at a physical address without any poison check (the model's own view, as a debugger's).</summary>
    public void Read(ulong pa, Span<byte> destination)
    {
        CheckRange(pa, (ulong)destination.Length);
        while (!destination.IsEmpty)
        {
            var offset = (int)(pa & (PageSize - 1));
            var n = Math.Min(destination.Length, PageSize - offset);
            FrameForRead(pa >> PageShift).Slice(offset, n).CopyTo(destination);
            destination = destination[n..];
            pa += (ulong)n;
        }
    }

    /// <summary>Writes bytes at a physical address. Stores never raise a hardware error.</summary>
    public void Write(ulong pa, ReadOnlySpan<byte> source)
    {
        CheckRange(pa, (ulong)source.Length);
        while (!source.IsEmpty)
        {
            var offset = (int)(pa & (PageSize - 1));
            var n = Math.Min(source.Length, PageSize - offset);
            source[..n].CopyTo(FrameForWrite(pa >> PageShift).Slice(offset, n));
            source = source[n..];
            pa += (ulong)n;
        }
    }

    /// <summary>Makes the 64-byte line holding <paramref name="pa"/> latently poisoned: its next load faults.</summary>
    public void InjectPoison(ulong pa)
    {
        CheckRange(pa, 1);
        var block = Block(pa >> PageShift);
        if (block.PoisonedLines is null)
        {
            block.PoisonedLines = new ulong[Pageblock.Frames];
            _blocksWithPoison.Add((int)(pa >> PageShift >> PageblockOrder));
        }

        var i = (int)((pa >> PageShift) & (Pageblock.Frames - 1));
        var bit = 1UL << (int)((pa >> LineShift) & (LinesPerPage - 1));
        if ((block.PoisonedLines[i] & bit) == 0)
        {
            block.PoisonedLines[i] |= bit;
            Interlocked.Increment(ref _poisonedLines);
        }
    }

    /// <summary>Clears the poison of the line holding <paramref name="pa"/> (a scrub that rewrote it, or a software unpoison).</summary>
    public void ClearPoison(ulong pa)
    {
        CheckRange(pa, 1);
        var block = PeekBlock(pa >> PageShift);
        if (block?.PoisonedLines is not { } lines)
        {
            return;
        }

        var i = (int)((pa >> PageShift) & (Pageblock.Frames - 1));
        var bit = 1UL << (int)((pa >> LineShift) & (LinesPerPage - 1));
        if ((lines[i] & bit) != 0)
        {
            lines[i] &= ~bit;
            Interlocked.Decrement(ref _poisonedLines);
        }
    }

    /// <summary>Whether the line holding <paramref name="pa"/> is poisoned.</summary>
    public bool IsLinePoisoned(ulong pa) => FirstPoisonedByte(pa & ~(ulong)(LineSize - 1), 1) is not null;

    /// <summary>Whether any byte of [pa, pa+length) lies in a poisoned line.</summary>
    public bool RangeHasPoison(ulong pa, ulong length) => _poisonedLines != 0 && FirstPoisonedByte(pa, length) is not null;

    /// <summary>The lowest address in [pa, pa+length) that lies in a poisoned line, or null.</summary>
    public ulong? FirstPoisonedByte(ulong pa, ulong length)
    {
        if (length == 0 || _poisonedLines == 0)
        {
            return null;
        }

        CheckRange(pa, length);
        var end = pa + length;
        var cursor = pa;
        while (cursor < end)
        {
            var pfn = cursor >> PageShift;
            var frameEnd = Math.Min(end, (pfn + 1) << PageShift);
            var lines = PeekBlock(pfn)?.PoisonedLines;
            var mask = lines?[(int)(pfn & (Pageblock.Frames - 1))] ?? 0;
            if (mask != 0)
            {
                var firstLine = (int)((cursor >> LineShift) & (LinesPerPage - 1));
                var lastLine = (int)(((frameEnd - 1) >> LineShift) & (LinesPerPage - 1));
                var window = (lastLine == 63 ? ulong.MaxValue : (1UL << (lastLine + 1)) - 1) & ~((1UL << firstLine) - 1);
                var hit = mask & window;
                if (hit != 0)
                {
                    var line = BitOperations.TrailingZeroCount(hit);
                    return Math.Max(cursor, (pfn << PageShift) + ((ulong)line << LineShift));
                }
            }

            cursor = frameEnd;
        }

        return null;
    }

    /// <summary>Every poisoned line's address, in address order (for reports and the scrubber).</summary>
    public IEnumerable<ulong> PoisonedLineAddresses()
    {
        foreach (var b in _blocksWithPoison)
        {
            var lines = _pageblocks[b]!.PoisonedLines!;
            for (var i = 0; i < lines.Length; i++)
            {
                var mask = lines[i];
                while (mask != 0)
                {
                    var line = BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                    var pfn = ((ulong)b << PageblockOrder) + (ulong)i;
                    yield return (pfn << PageShift) + ((ulong)line << LineShift);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Pageblock Block(ulong pfn)
    {
        CheckPfn(pfn);
        return _pageblocks[pfn >> PageblockOrder] ?? NewPageblock(pfn);
    }

    private Pageblock NewPageblock(ulong pfn) => _pageblocks[pfn >> PageblockOrder] = new Pageblock();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Pageblock? PeekBlock(ulong pfn) => _pageblocks[pfn >> PageblockOrder];

    // The throw lives in its own method so that the check inlines into every frame lookup.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CheckPfn(ulong pfn)
    {
        if (pfn >= MaxPfn)
        {
            ThrowPfnOutOfRange(pfn);
        }
    }

    [DoesNotReturn]
    private void ThrowPfnOutOfRange(ulong pfn) => throw new PfnOutOfRangeException(pfn, MaxPfn);

    private void CheckRange(ulong pa, ulong length)
    {
        if (pa >= Size || length > Size - pa)
        {
            throw new PfnOutOfRangeException(pa >> PageShift, MaxPfn);
        }
    }
}
