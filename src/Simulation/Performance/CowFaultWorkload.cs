using KernelModel.Mm;

namespace KernelModel.Simulation.Performance;

/// <summary>
/// The anonymous COW fault end to end (targets 3 and 6): a parent writes every page of a private anonymous
/// mapping, then forks; each measured step is the child's write fault on one of the shared pages through the
/// architecture's user fault handler (do_user_addr_fault / do_page_fault / handle_page_fault), which runs
/// handle_mm_fault, do_wp_page and wp_page_copy: allocate a page, copy_mc_user_highpage, rmap, the new PTE, and
/// the old page's mapping and reference dropped. Transparent huge pages are off so every fault is a 4 KiB COW.
/// <see cref="Fork"/> prepares a round and <see cref="Exit"/> tears the child down, outside the measured loop.
/// </summary>
public sealed class CowFaultWorkload
{
    /// <summary>
    /// The round size the benchmarks use: 64 shared pages and the child's 64 copies (512 KiB) stay in a 1 MiB L2
    /// cache, as the clean copy_mc_highpage the fault is compared with does. With 512 pages (4 MiB a round) each
    /// fault's copy reads a page from L3 and costs about 40 ns more on the benchmark machine: the host's caches, not
    /// the model's work.
    /// </summary>
    public const int CacheResidentPages = 64;

    private readonly Machine _machine;
    private readonly TaskStruct _parent;
    private readonly ulong _start;
    private TaskStruct? _child;
    private int _next;

    /// <summary>Boots a machine of <paramref name="profile"/> whose parent process has <paramref name="pages"/> written anonymous pages.</summary>
    /// <exception cref="ArgumentException">Unknown profile, or a page count out of 1..65536.</exception>
    public CowFaultWorkload(ProfileCatalog catalog, string profile, int pages)
    {
        if (pages is < 1 or > 65536)
        {
            throw new ArgumentException($"invalid page count {pages}: valid counts are 1..65536");
        }

        Pages = pages;
        _machine = catalog.Boot(profile, new MachineConfig
        {
            MemoryBytes = CopyWorkload.MachineBytes,
            Seed = 1,
            Mm = new MmOptions { TransparentHugepage = ThpEnabled.Never },
        });
        _parent = _machine.Tasks.CreateProcess("bench");
        var vma = _parent.Mm!.Mmap((ulong)pages << PhysicalMemory.PageShift, VmFlags.Read | VmFlags.Write);
        _start = vma.Start;
        var one = new byte[] { 0x5a };
        for (var i = 0; i < pages; i++)
        {
            var written = UserAccess.Write(_machine, _parent, Address(i), one);
            if (written.Outcome != UserAccessOutcome.Completed)
            {
                throw new InvalidOperationException($"the bench parent could not populate its mapping: {written}");
            }
        }
    }

    /// <summary>Shared pages per round: how many faults one <see cref="Fork"/> makes possible.</summary>
    public int Pages { get; }

    /// <summary>Faults left in the current round.</summary>
    public int Remaining => _child is null ? 0 : Pages - _next;

    /// <summary>The machine.</summary>
    public Machine Machine => _machine;

    /// <summary>fork(): a child sharing every page copy-on-write starts a round.</summary>
    public void Fork()
    {
        Exit();
        var pid = KernelModel.Mm.Fork.KernelClone(_machine, _parent);
        _child = pid > 0 ? _machine.Tasks.Find(pid) : throw new InvalidOperationException($"the bench fork failed: {Errno.Name(pid)}");
        _next = 0;
    }

    /// <summary>
    /// The child's write fault on the next <paramref name="n"/> shared pages; returns the last VM_FAULT result
    /// (0: the PTE now maps the child's own copy).
    /// </summary>
    /// <exception cref="InvalidOperationException">Fewer than <paramref name="n"/> shared pages are left in this round.</exception>
    public VmFault Fault(int n)
    {
        if (_child is not { } child || n > Pages - _next)
        {
            throw new InvalidOperationException($"{n} faults asked, {Remaining} shared pages left: call Fork first");
        }

        var ret = VmFault.None;
        for (var i = 0; i < n; i++)
        {
            ret |= UserFault.DoUserAddrFault(_machine, child, Address(_next++), write: true);
        }

        return ret;
    }

    /// <summary>exit_mmap() of the child: its copies go back to the allocator, the parent's pages lose a mapping.</summary>
    public void Exit()
    {
        if (_child is { Mm: { } mm })
        {
            Unmap.ExitMmap(_machine, mm);
        }

        _child = null;
    }

    private ulong Address(int page) => _start + ((ulong)page << PhysicalMemory.PageShift);
}
