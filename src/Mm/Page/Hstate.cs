namespace KernelModel.Mm;

/// <summary>
/// One huge page size and its pool (include/linux/hugetlb.h, struct hstate). The index is the hstate's
/// position in hstates[], which VM_FAULT_SET_HINDEX carries.
/// </summary>
[KernelSymbol("include/linux/hugetlb.h", "hstate")]
public sealed class Hstate
{
    private readonly Queue<Page> _free = new();

    internal Hstate(int index, int order)
    {
        Index = index;
        Order = order;
    }

    /// <summary>hstate_index().</summary>
    public int Index { get; }

    /// <summary>huge_page_order(): 9 for 2 MiB, 18 for 1 GiB.</summary>
    public int Order { get; }

    /// <summary>huge_page_shift(): the si_addr_lsb of a SIGBUS for this size (21 or 30).</summary>
    public int Shift => Order + PhysicalMemory.PageShift;

    /// <summary>huge_page_size() in bytes.</summary>
    public ulong Size => 1UL << Shift;

    /// <summary>The pool's sysfs name, "hugepages-2048kB".</summary>
    public string Name => $"hugepages-{Size >> 10}kB";

    /// <summary>nr_huge_pages.</summary>
    public int NrHugePages { get; internal set; }

    /// <summary>free_huge_pages.</summary>
    public int FreeHugePages => _free.Count;

    internal void Enqueue(Page head) => _free.Enqueue(head);

    internal Page? Dequeue() => _free.TryDequeue(out var head) ? head : null;

    // Takes one particular huge page off the free list (dissolving it); false when it is not free.
    internal bool Remove(Page head)
    {
        if (!_free.Contains(head))
        {
            return false;
        }

        var rest = _free.Where(p => p != head).ToArray();
        _free.Clear();
        foreach (var p in rest)
        {
            _free.Enqueue(p);
        }

        return true;
    }
}
