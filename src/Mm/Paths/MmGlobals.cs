namespace KernelModel.Mm;

/// <summary>
/// The mm's machine-wide state that the kernel keeps in file-scope globals: the swap device and swap cache
/// (swap_info[], swapper_spaces), empty_zero_page, and the kernel threads that run mm work (khugepaged, ksmd,
/// kcompactd).
/// </summary>
public sealed class MmGlobals
{
    private readonly Machine _machine;
    private readonly Dictionary<string, TaskStruct> _kthreads = new(StringComparer.Ordinal);
    private Page? _zeroPage;

    /// <summary>Creates the state for a machine; nothing is allocated until first used.</summary>
    public MmGlobals(Machine machine)
    {
        _machine = machine;
        SwapCache = new SwapCache(Swap);
    }

    /// <summary>swap_info[0]: the one swap device.</summary>
    public SwapInfo Swap { get; } = new();

    /// <summary>The swap cache of that device.</summary>
    public SwapCache SwapCache { get; }

    /// <summary>
    /// ZERO_PAGE(): the shared zero page a read fault on anonymous memory maps. It lives in the kernel image
    /// (PG_reserved) and carries no mapcount; the model takes it from the allocator on first use, so null only
    /// when memory is exhausted at that moment.
    /// </summary>
    [KernelSymbol("include/linux/pgtable.h", "ZERO_PAGE")]
    public Page? ZeroPage
    {
        get
        {
            if (_zeroPage is null && _machine.Allocator.AllocFolio(0) is { } folio)
            {
                _machine.Memory.FrameForWrite(folio.Pfn).Clear();
                folio.Set(PageFlags.Reserved);
                _zeroPage = folio.Head;
            }

            return _zeroPage;
        }
    }

    /// <summary>is_zero_pfn().</summary>
    [KernelSymbol("include/linux/pgtable.h", "is_zero_pfn")]
    public bool IsZeroPfn(ulong pfn) => _zeroPage is { } zero && zero.Pfn == pfn;

    /// <summary>The kernel thread of that name (khugepaged, ksmd, kcompactd0), started on first use.</summary>
    [KernelSymbol("kernel/kthread.c", "kthread_run")]
    public TaskStruct Kthread(string comm)
    {
        if (!_kthreads.TryGetValue(comm, out var task))
        {
            task = _machine.Tasks.CreateKthread(comm);
            _kthreads.Add(comm, task);
        }

        return task;
    }
}
