namespace KernelModel.Mm;

/// <summary>
/// The swap cache (mm/swap_state.c): folios by swap slot while they are being swapped out or were read back in.
/// The cache holds one reference on each folio; the folio carries PG_swapcache and its slot.
/// </summary>
public sealed class SwapCache(SwapInfo swap)
{
    private readonly Dictionary<ulong, Folio> _folios = [];

    /// <summary>Folios in the cache.</summary>
    public int Count => _folios.Count;

    /// <summary>swap_cache_get_folio(): the cached folio of a slot with a reference for the caller, or null.</summary>
    [KernelSymbol("mm/swap_state.c", "swap_cache_get_folio")]
    public Folio? SwapCacheGetFolio(ulong offset)
    {
        if (!_folios.TryGetValue(offset, out var folio))
        {
            return null;
        }

        folio.Head.RefCount++;
        return folio;
    }

    /// <summary>The cached folio of a slot without taking a reference (for inspection).</summary>
    public Folio? Peek(ulong offset) => _folios.TryGetValue(offset, out var folio) ? folio : null;

    /// <summary>add_to_swap_cache(): the cache takes a reference and the folio becomes PG_swapcache at the slot.</summary>
    [KernelSymbol("mm/swap_state.c", "add_to_swap_cache")]
    public void AddToSwapCache(Folio folio, ulong offset)
    {
        _folios.Add(offset, folio);
        folio.Head.RefCount++;
        folio.Set(PageFlags.Swapcache);
        folio.Head.SwapOffset = offset;
        swap.SetHasCache(offset, true);
    }

    /// <summary>delete_from_swap_cache(): drops the cache's reference (the caller holds another one).</summary>
    [KernelSymbol("mm/swap_state.c", "delete_from_swap_cache")]
    public void DeleteFromSwapCache(Folio folio)
    {
        var offset = folio.Head.SwapOffset;
        _folios.Remove(offset);
        folio.Clear(PageFlags.Swapcache);
        folio.Head.SwapOffset = 0;
        folio.Head.RefCount--;
        swap.SetHasCache(offset, false);
    }

    /// <summary>Migration moves the slot's cache entry from <paramref name="old"/> to <paramref name="replacement"/> with the cache's reference.</summary>
    internal void Replace(Folio old, Folio replacement)
    {
        var offset = old.Head.SwapOffset;
        _folios[offset] = replacement;
        replacement.Set(PageFlags.Swapcache);
        replacement.Head.SwapOffset = offset;
        replacement.Head.RefCount++;
        old.Clear(PageFlags.Swapcache);
        old.Head.SwapOffset = 0;
        old.Head.RefCount--;
    }

    /// <summary>
    /// folio_free_swap(): once no swap PTE refers to the folio's slot, the folio leaves the swap cache and the slot
    /// is freed. False when the folio is not in the swap cache or the slot is still referenced.
    /// </summary>
    [KernelSymbol("mm/swapfile.c", "folio_free_swap")]
    public bool FolioFreeSwap(Folio folio)
    {
        if (!folio.Test(PageFlags.Swapcache) || swap.SwapCount(folio.Head.SwapOffset) != 0)
        {
            return false;
        }

        DeleteFromSwapCache(folio);
        return true;
    }
}
