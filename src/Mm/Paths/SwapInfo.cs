namespace KernelModel.Mm;

/// <summary>
/// One swap device (mm/swapfile.c, struct swap_info_struct): slots numbered from 1, each with its use count
/// (swap_map: how many swap PTEs refer to it) and the page it holds on the device. A slot is free again when no
/// PTE refers to it and the swap cache no longer holds its page.
/// </summary>
[KernelSymbol("include/linux/swap.h", "swap_info_struct")]
public sealed class SwapInfo
{
    private readonly SortedDictionary<ulong, int> _swapMap = [];
    private readonly Dictionary<ulong, byte[]> _device = [];
    private readonly SortedSet<ulong> _cached = [];
    private ulong _next = 1;

    /// <summary>Slots in use (referenced by a PTE or held by the swap cache).</summary>
    public int InUse => _swapMap.Count;

    /// <summary>folio_alloc_swap() / get_swap_pages(): a free slot, marked as held by the swap cache.</summary>
    [KernelSymbol("mm/swapfile.c", "folio_alloc_swap")]
    public ulong AllocSwapSlot()
    {
        var offset = _next++;
        _swapMap.Add(offset, 0);
        _cached.Add(offset);
        return offset;
    }

    /// <summary>swap_count(): how many swap PTEs refer to the slot.</summary>
    [KernelSymbol("mm/swapfile.c", "swap_swapcount")]
    public int SwapCount(ulong offset) => _swapMap.GetValueOrDefault(offset);

    /// <summary>swap_duplicate(): one more swap PTE refers to the slot.</summary>
    /// <exception cref="ArgumentException">The slot is not in use.</exception>
    [KernelSymbol("mm/swapfile.c", "swap_duplicate")]
    public void SwapDuplicate(ulong offset) => _swapMap[offset] = Used(offset) + 1;

    /// <summary>swap_free(): a swap PTE no longer refers to the slot; the slot is freed when nothing holds it.</summary>
    /// <exception cref="ArgumentException">The slot is not referenced.</exception>
    [KernelSymbol("mm/swapfile.c", "swap_free")]
    public void SwapFree(ulong offset)
    {
        var count = Used(offset);
        if (count == 0)
        {
            throw new ArgumentException($"swap slot {offset} has no references", nameof(offset));
        }

        _swapMap[offset] = count - 1;
        ReleaseIfUnused(offset);
    }

    /// <summary>The swap cache took (true) or dropped (false) the slot's page (SWAP_HAS_CACHE).</summary>
    internal void SetHasCache(ulong offset, bool cached)
    {
        Used(offset);
        if (cached)
        {
            _cached.Add(offset);
            return;
        }

        _cached.Remove(offset);
        ReleaseIfUnused(offset);
    }

    /// <summary>swap_writepage(): the device stores the page (the device reads memory by DMA, not through a CPU load).</summary>
    [KernelSymbol("mm/page_io.c", "swap_writepage")]
    public void Write(ulong offset, ReadOnlySpan<byte> page)
    {
        Used(offset);
        _device[offset] = page.ToArray();
    }

    /// <summary>swap_read_folio(): the page the device holds for the slot.</summary>
    [KernelSymbol("mm/page_io.c", "swap_read_folio")]
    public ReadOnlySpan<byte> Read(ulong offset)
    {
        Used(offset);
        return _device.TryGetValue(offset, out var data) ? data : new byte[PhysicalMemory.PageSize];
    }

    private int Used(ulong offset) => _swapMap.TryGetValue(offset, out var count)
        ? count
        : throw new ArgumentException($"swap slot {offset} is not in use", nameof(offset));

    private void ReleaseIfUnused(ulong offset)
    {
        if (_swapMap[offset] == 0 && !_cached.Contains(offset))
        {
            _swapMap.Remove(offset);
            _device.Remove(offset);
        }
    }
}
