using System.Runtime.CompilerServices;

namespace KernelModel.Mm;

/// <summary>
/// The touched part of physical memory, one pageblock (2^pageblock_order frames) at a time: per frame, its bytes
/// (null = never written, reads as zero), its hardware poison (one bit per 64-byte line: a 4 KiB frame has exactly
/// 64 lines) and its struct page. The two per-frame slot arrays are inline, so a frame's bytes are two loads from
/// the memory map, not three.
/// </summary>
internal sealed class Pageblock
{
    public const int Frames = 1 << PhysicalMemory.PageblockOrder;

    public FrameSlots<byte[]> Data;
    public FrameSlots<Page> MemMap;
    public ulong[]? PoisonedLines;
}

/// <summary>One reference per frame of a pageblock, stored inline in the <see cref="Pageblock"/>.</summary>
[InlineArray(Pageblock.Frames)]
internal struct FrameSlots<T>
    where T : class
{
    private T? _first;
}
