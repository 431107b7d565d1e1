using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// memory_failure() and its companions (mm/memory-failure.c) for one machine: the handler the trap paths, the
/// queue's worker, GHES and the injectors hand a poisoned frame to. It marks the page PG_hwpoison, classifies it
/// by the page-state table, isolates it (unmap to hwpoison entries, THP split, hugetlb dissolve, buddy take-off,
/// page-cache truncation), signals the tasks that map it as the kill policy says, and counts the outcome
/// (HardwareCorrupted, per-node statistics, the ras:memory_failure_event trace). Messages carry the kernel's
/// "Memory failure: " prefix. A path that panics throws through <see cref="Machine.Panic"/>; run it inside
/// <see cref="Machine.Run{T}"/>.
/// </summary>
public sealed class MemoryFailureHandler : IMemoryFailure
{
    private readonly List<MemoryFailureEvent> _events = [];
    private readonly HashSet<ulong> _takenOff = [];
    private readonly Rmap _rmap;

    /// <summary>The handler for <paramref name="machine"/>, with the kernel's behaviour per <paramref name="options"/>.</summary>
    public MemoryFailureHandler(Machine machine, HwpoisonOptions? options = null)
    {
        Machine = machine;
        Options = options ?? HwpoisonOptions.V617;
        NodeStats = machine.Memory.Nodes.Select(_ => new MemoryFailureStats()).ToArray();
        Filter = new HwpoisonFilter(machine);
        Queue = new MemoryFailureQueue(this);
        _rmap = new Rmap(machine);
        Killer = new ProcessKiller(this);
        Handlers = new PageStateHandlers(this);
        Hugetlb = new HugetlbFailure(this);
        Thp = new ThpSplit(this, _rmap);
        SoftOffline = new SoftOffline(this);
        Unpoison = new Unpoison(this);
    }

    /// <summary>The machine.</summary>
    public Machine Machine { get; }

    /// <summary>The kernel-version behaviour; may be changed before a run.</summary>
    public HwpoisonOptions Options { get; set; }

    /// <summary>num_poisoned_pages.</summary>
    [KernelSymbol("mm/memory-failure.c", "num_poisoned_pages")]
    public long NumPoisonedPages { get; private set; }

    /// <summary>/proc/meminfo HardwareCorrupted in kB: num_poisoned_pages &lt;&lt; (PAGE_SHIFT - 10).</summary>
    public long HardwareCorruptedKb => NumPoisonedPages << (PhysicalMemory.PageShift - 10);

    /// <summary>The /proc/meminfo line, "HardwareCorrupted: %5lu kB".</summary>
    [KernelSymbol("fs/proc/meminfo.c", "meminfo_proc_show")]
    public string MeminfoHardwareCorrupted => string.Create(CultureInfo.InvariantCulture, $"HardwareCorrupted: {HardwareCorruptedKb,5} kB");

    /// <summary>Per-node memory_failure statistics, by nid.</summary>
    public IReadOnlyList<MemoryFailureStats> NodeStats { get; }

    /// <summary>Every ras:memory_failure_event so far.</summary>
    public IReadOnlyList<MemoryFailureEvent> Events => _events;

    /// <summary>hw_memory_failure: a failure not simulated by software happened, which disables unpoison for good.</summary>
    [KernelSymbol("mm/memory-failure.c", "hw_memory_failure")]
    public bool HwMemoryFailure { get; private set; }

    /// <summary>The hwpoison_inject filter settings.</summary>
    public HwpoisonFilter Filter { get; }

    /// <summary>The per-CPU memory_failure_queue fifos and their worker.</summary>
    public MemoryFailureQueue Queue { get; }

    internal ProcessKiller Killer { get; }

    internal PageStateHandlers Handlers { get; }

    internal HugetlbFailure Hugetlb { get; }

    internal ThpSplit Thp { get; }

    internal SoftOffline SoftOffline { get; }

    internal Unpoison Unpoison { get; }

    /// <summary>current on the executing CPU.</summary>
    internal TaskStruct? Current => Machine.CurrentCpu.Current;

    /// <summary>The handler plugged into <paramref name="machine"/>, or null when it runs without CONFIG_MEMORY_FAILURE.</summary>
    public static MemoryFailureHandler? Of(Machine machine) => machine.MemoryFailureHandler as MemoryFailureHandler;

    /// <summary>
    /// memory_failure(): handle a poisoned frame. 0 when handled, -ENXIO for memory the kernel does not manage,
    /// -EOPNOTSUPP when the hwpoison filter skipped it, -EHWPOISON when it was already poisoned (or could not be
    /// split), other negative errno on failure. Panics when vm.memory_failure_recovery is 0.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "memory_failure")]
    public int MemoryFailure(ulong pfn, MfFlags flags)
    {
        using (Machine.Tracer.Enter("memory_failure"))
        {
            Machine.Tracer.Note($"pfn {Printf.HashLx(pfn)} flags {flags.ToKernelString()}");
            if (!Machine.Sysctl.MemoryFailureRecovery)
            {
                throw Machine.Panic("Memory failure on page " + Printf.Lx(pfn));
            }

            if ((flags & MfFlags.SwSimulated) == 0)
            {
                HwMemoryFailure = true;
            }

            if (!Machine.Memory.PfnValid(pfn))
            {
                Err(Printf.HashLx(pfn) + ": memory outside kernel control");
                return -Errno.ENXIO;
            }

            return DoMemoryFailure(pfn, flags);
        }
    }

    /// <summary>memory_failure_queue(): hand the frame to this CPU's worker; see <see cref="MemoryFailureQueue"/>.</summary>
    [KernelSymbol("mm/memory-failure.c", "memory_failure_queue")]
    public void MemoryFailureQueue(ulong pfn, MfFlags flags) => Queue.Put(pfn, flags);

    /// <summary>soft_offline_page(): migrate a suspect page's contents away and take the frame out of use.</summary>
    [KernelSymbol("mm/memory-failure.c", "soft_offline_page")]
    public int SoftOfflinePage(ulong pfn, MfFlags flags) => SoftOffline.SoftOfflinePage(pfn, flags);

    /// <summary>unpoison_memory(): undo a software-injected poison.</summary>
    [KernelSymbol("mm/memory-failure.c", "unpoison_memory")]
    public int UnpoisonMemory(ulong pfn) => Unpoison.UnpoisonMemory(pfn);

    /// <summary>A /sys/devices/system/node/nodeN/memory_failure/NAME read; null when the files do not exist (before v6.5).</summary>
    public string? ReadNodeStat(int nid, string name) => Options.PerNodeStats ? NodeStats[nid].Read(name) : null;

    /// <summary>pr_err() with memory-failure.c's pr_fmt.</summary>
    internal void Err(string text) => Machine.Log.Err("Memory failure: " + text);

    /// <summary>pr_info() with memory-failure.c's pr_fmt.</summary>
    internal void Info(string text) => Machine.Log.Info("Memory failure: " + text);

    /// <summary>num_poisoned_pages_inc().</summary>
    [KernelSymbol("mm/memory-failure.c", "num_poisoned_pages_inc")]
    internal void NumPoisonedPagesInc() => NumPoisonedPages++;

    /// <summary>num_poisoned_pages_sub().</summary>
    [KernelSymbol("mm/memory-failure.c", "num_poisoned_pages_sub")]
    internal void NumPoisonedPagesSub(long n) => NumPoisonedPages -= n;

    /// <summary>put_page().</summary>
    internal void PutPage(Page page) => Machine.PutFolio(page.Folio);

    /// <summary>Whether a page was taken off the buddy lists by memory_failure (PageHWPoisonTakenOff).</summary>
    [KernelSymbol("mm/memory-failure.c", "PageHWPoisonTakenOff")]
    internal bool IsTakenOff(Page page) => page.IsHwpoison && _takenOff.Contains(page.Pfn);

    /// <summary>ClearPageHWPoisonTakenOff().</summary>
    internal void ClearTakenOff(Page page) => _takenOff.Remove(page.Pfn);

    /// <summary>
    /// action_result(): trace the outcome, count it (HardwareCorrupted and the node's statistics; not for a
    /// re-report after the 2025 fix), print "recovery action for TYPE: RESULT"; 0 for Recovered or Delayed, else -EBUSY.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "action_result")]
    internal int ActionResult(ulong pfn, ActionPageType type, MfResult result)
    {
        var name = ActionPageTypes.Name(type, Options);
        _events.Add(new MemoryFailureEvent(Machine.Clock.Nanoseconds, pfn, type, ActionPageTypes.TraceValue(type, Options), name, result));
        if (type != ActionPageType.AlreadyPoisoned || Options.AlreadyPoisoned != AlreadyPoisonedReport.ActionResultOnly)
        {
            NumPoisonedPagesInc();
            if (Options.PerNodeStats)
            {
                NodeStats[Machine.Memory.NodeOf(pfn)].Update(result);
            }
        }

        Err($"{Printf.HashLx(pfn)}: recovery action for {name}: {result.ActionName()}");
        return result is MfResult.Recovered or MfResult.Delayed ? 0 : -Errno.EBUSY;
    }

    /// <summary>
    /// __page_handle_poison(): dissolve a free huge page and take the frame off the buddy lists. 1 when the frame is
    /// out of the allocator's reach (the model's allocator never lists a PG_hwpoison frame, which is what the
    /// take-off achieves), 0 when it is not, negative when a huge page could not be dissolved.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "__page_handle_poison")]
    internal int PageHandlePoisonCore(Page page)
    {
        var folio = page.Folio;
        if (folio.IsHugetlb && !Machine.Hugetlb.DissolveFreeHugetlbFolio(folio))
        {
            return -Errno.EBUSY;
        }

        if (Machine.Allocator.TakePageOffBuddy(page.Pfn))
        {
            return 1;
        }

        return page.IsHwpoison && !Machine.Allocator.IsFreeBuddyPage(page.Pfn) ? 1 : 0;
    }

    /// <summary>
    /// page_handle_poison(): after a soft offline or a free page: mark the frame poisoned and keep one reference on
    /// it forever so it is never reused; count it in HardwareCorrupted.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "page_handle_poison")]
    internal bool PageHandlePoison(Page page, bool hugepageOrFreepage, bool release)
    {
        if (hugepageOrFreepage && PageHandlePoisonCore(page) <= 0)
        {
            return false;
        }

        page.Set(PageFlags.Hwpoison);
        if (release)
        {
            PutPage(page);
        }

        page.RefCount++;
        NumPoisonedPagesInc();
        return true;
    }

    /// <summary>
    /// get_hwpoison_page() / get_any_page(): take a reference on a page in a state memory-failure can handle.
    /// 1 for an in-use LRU (or hugetlb) page, now referenced; 0 for a free page; -EIO for a page it cannot handle
    /// (kernel pages: "unhandlable page."); -EBUSY when it stays referenced but unreachable. The kernel retries
    /// transient states; the model has no races, so the first answer is final.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "get_hwpoison_page")]
    internal int GetHwpoisonPage(Page p, MfFlags flags)
    {
        int ret;
        if ((flags & MfFlags.CountIncreased) == 0)
        {
            ret = GetHwpoisonPageCore(p);
            if (ret == 0)
            {
                if (p.Folio.RefCount != 0)
                {
                    return -Errno.EBUSY;
                }

                if (!p.Folio.IsHugetlb && !Machine.Allocator.IsFreeBuddyPage(p.Pfn))
                {
                    Err(Printf.HashLx(p.Pfn) + ": unhandlable page.");
                    return -Errno.EIO;
                }

                return 0;
            }

            if (ret == -Errno.EBUSY)
            {
                Err(Printf.HashLx(p.Pfn) + ": unhandlable page.");
                return -Errno.EIO;
            }

            return ret;
        }

        if (p.Folio.IsHugetlb || HwpoisonHandlable(p.Folio))
        {
            return 1;
        }

        PutPage(p);
        Err(Printf.HashLx(p.Pfn) + ": unhandlable page.");
        return -Errno.EIO;
    }

    // memory_failure() after the early checks: the hugetlb path, the already-poisoned path, then the page states.
    private int DoMemoryFailure(ulong pfn, MfFlags flags)
    {
        var p = Machine.Memory.PfnToPage(pfn);
        var retry = true;
        while (true)
        {
            if (p.Folio.IsHugetlb)
            {
                return Hugetlb.TryMemoryFailureHugetlb(pfn, flags);
            }

            if (p.IsHwpoison)
            {
                return AlreadyPoisoned(p, pfn, flags);
            }

            p.Set(PageFlags.Hwpoison);

            // A caller that already holds a reference (madvise's get_user_pages) skips get_hwpoison_page(): the page
            // goes straight to the page-state table, so the shared zero page is a "reserved kernel page".
            var res = (flags & MfFlags.CountIncreased) == 0 ? GetHwpoisonPage(p, flags) : 1;
            if (res == 0)
            {
                if (!Machine.Allocator.IsFreeBuddyPage(pfn))
                {
                    return ActionResult(pfn, ActionPageType.KernelHighOrder, MfResult.Ignored);
                }

                if (Machine.Allocator.TakePageOffBuddy(pfn))
                {
                    _takenOff.Add(pfn);
                    p.RefCount++;
                    return ActionResult(pfn, ActionPageType.Buddy, MfResult.Recovered);
                }

                if (retry)
                {
                    p.Clear(PageFlags.Hwpoison);
                    retry = false;
                    continue;
                }

                return ActionResult(pfn, ActionPageType.Buddy, MfResult.Failed);
            }

            if (res < 0)
            {
                return ActionResult(pfn, ActionPageType.GetHwpoison, MfResult.Ignored);
            }

            return InUsePage(p, pfn, flags);
        }
    }

    // The TestSetPageHWPoison() branch: a second report of a poisoned page.
    private int AlreadyPoisoned(Page p, ulong pfn, MfFlags flags)
    {
        if (Options.AlreadyPoisoned != AlreadyPoisonedReport.ActionResultOnly)
        {
            Err(Printf.HashLx(pfn) + ": already hardware poisoned");
        }

        var res = -Errno.EHWPOISON;
        if ((flags & MfFlags.ActionRequired) != 0)
        {
            res = Killer.KillAccessingProcess(Current, pfn, flags);
        }

        if ((flags & MfFlags.CountIncreased) != 0)
        {
            PutPage(p);
        }

        if (Options.AlreadyPoisoned != AlreadyPoisonedReport.LineOnly)
        {
            ActionResult(pfn, ActionPageType.AlreadyPoisoned, MfResult.Failed);
        }

        return res;
    }

    // An in-use page we hold a reference on: filter, split, unmap and kill, then the page-state table.
    private int InUsePage(Page p, ulong pfn, MfFlags flags)
    {
        var folio = p.Folio;
        if (Filter.Filter(p) != 0)
        {
            p.Clear(PageFlags.Hwpoison);
            Machine.PutFolio(folio);
            return -Errno.EOPNOTSUPP;
        }

        if (folio.IsLarge)
        {
            folio.Set(PageFlags.HasHwpoisoned);
            if (Thp.TryToSplitThpPage(p) != 0)
            {
                Thp.KillProcsNow(p, pfn, flags, p.Folio);
                PutPage(p);
                ActionResult(pfn, ActionPageType.UnsplitThp, MfResult.Failed);
                return -Errno.EHWPOISON;
            }

            folio = p.Folio;
        }

        var pageFlags = folio.Flags;
        if (folio.Test(PageFlags.Lru) || folio.Test(PageFlags.Writeback))
        {
            if (!HwpoisonUserMappings(folio, p, pfn, flags))
            {
                return ActionResult(pfn, ActionPageType.UnmapFailed, MfResult.Failed);
            }

            if (folio.Test(PageFlags.Lru) && !folio.Test(PageFlags.Swapcache) && folio.Mapping is null)
            {
                return ActionResult(pfn, ActionPageType.TruncatedLru, MfResult.Ignored);
            }
        }

        return IdentifyPageState(pfn, p, pageFlags);
    }

    /// <summary>identify_page_state() and page_action(): find the row, run its handler, report.</summary>
    [KernelSymbol("mm/memory-failure.c", "page_action")]
    internal int IdentifyPageState(ulong pfn, Page p, PageFlags pageFlags)
    {
        var ps = ErrorStates.Identify(p.Flags, pageFlags);
        using (Machine.Tracer.Enter(ps.ActionName))
        {
            var result = ps.Action(Handlers, ps, p);
            return ActionResult(pfn, ps.Type, result);
        }
    }

    /// <summary>
    /// hwpoison_user_mappings(): for a user-mapped LRU or hugetlb page, collect the tasks to tell (before the rmap
    /// goes away), unmap every mapping (unmap_poisoned_folio), and signal them if the data was dirty, the caller
    /// insists (MF_MUST_KILL) or unmapping failed. False when the page is still mapped.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "hwpoison_user_mappings")]
    internal bool HwpoisonUserMappings(Folio folio, Page p, ulong pfn, MfFlags flags)
    {
        if (folio.Test(PageFlags.Reserved) || folio.Test(PageFlags.Slab) || folio.Head.Type is PageType.Table or PageType.Offline)
        {
            return true;
        }

        if (!(folio.Test(PageFlags.Lru) || folio.IsHugetlb) || folio.MapCount == 0)
        {
            return true;
        }

        var toKill = Killer.CollectProcs(folio, p, (flags & MfFlags.ActionRequired) != 0);
        var unmapped = UnmapPoisonedFolio(folio, pfn, (flags & MfFlags.MustKill) != 0) == 0;
        if (!unmapped)
        {
            Err(string.Create(CultureInfo.InvariantCulture, $"{Printf.HashLx(pfn)}: failed to unmap page (folio mapcount={folio.MapCount})"));
        }

        var forceKill = folio.Test(PageFlags.Dirty) || (flags & MfFlags.MustKill) != 0 || !unmapped;
        Killer.KillProcs(toKill, forceKill, !unmapped, pfn, flags);
        return unmapped;
    }

    /// <summary>
    /// unmap_poisoned_folio(): unmap with TTU_HWPOISON, except that a swap-cache page keeps swap entries ("keeping
    /// poisoned page in swap cache") and a clean page of a writeback-capable mapping is simply dropped ("corrupted
    /// page was clean: dropped without side effects") unless a PTE shows it dirty. -EBUSY when still mapped.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "unmap_poisoned_folio")]
    internal int UnmapPoisonedFolio(Folio folio, ulong pfn, bool mustKill)
    {
        var hwpoison = true;
        if (folio.Test(PageFlags.Swapcache))
        {
            Err(Printf.HashLx(pfn) + ": keeping poisoned page in swap cache");
            hwpoison = false;
        }

        if (!mustKill && !folio.Test(PageFlags.Dirty) && MappingCanWriteback(folio))
        {
            if (_rmap.FolioMkclean(folio) > 0)
            {
                folio.Set(PageFlags.Dirty);
            }
            else
            {
                hwpoison = false;
                Info(Printf.HashLx(pfn) + ": corrupted page was clean: dropped without side effects");
            }
        }

        _rmap.TryToUnmap(folio, hwpoison);
        return folio.MapCount > 0 ? -Errno.EBUSY : 0;
    }

    /// <summary>
    /// HWPoisonHandlable(): a page type memory-failure knows: on the LRU or free in the buddy allocator, never slab.
    /// (Soft offline may also migrate movable_ops pages; the model has none.)
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "HWPoisonHandlable")]
    internal bool HwpoisonHandlable(Folio folio) =>
        !folio.Test(PageFlags.Slab) && (folio.Test(PageFlags.Lru) || Machine.Allocator.IsFreeBuddyPage(folio.Pfn));

    // folio_mapping() + mapping_can_writeback(): a disk file's page cache, or the swap space of a swap-cache page.
    private static bool MappingCanWriteback(Folio folio) => folio.Mapping switch
    {
        AddressSpace mapping => mapping.Host.HasBackingStore,
        _ => folio.IsAnon && folio.Test(PageFlags.Swapcache),
    };

    // __get_hwpoison_page(): hugetlb first; then only handlable pages are referenced.
    [KernelSymbol("mm/memory-failure.c", "__get_hwpoison_page")]
    private int GetHwpoisonPageCore(Page p)
    {
        var folio = p.Folio;
        if (folio.IsHugetlb)
        {
            return HugetlbFailure.GetHwpoisonHugetlbFolio(folio);
        }

        if (!HwpoisonHandlable(folio))
        {
            return -Errno.EBUSY;
        }

        if (folio.RefCount > 0)
        {
            folio.Head.RefCount++;
            return 1;
        }

        return 0;
    }
}
