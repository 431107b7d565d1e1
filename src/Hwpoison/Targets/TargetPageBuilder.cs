using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// Builds a page in a given state on a machine, as a workload would leave it: processes, VMAs, page-table entries,
/// page flags, reference and map counts (one reference per mapping, one per page for the page cache or swap cache),
/// and recognisable contents. <c>extraMappers</c> forked children (anonymous pages) or other processes (files)
/// map the page too.
/// </summary>
public sealed class TargetPageBuilder(Machine machine)
{
    /// <summary>The names the command line uses for each kind.</summary>
    public static IReadOnlyDictionary<string, TargetPageKind> Names { get; } = Enum.GetValues<TargetPageKind>()
        .ToDictionary(k => KebabCase(k.ToString()), k => k, StringComparer.Ordinal);

    /// <summary>The kind a command-line name stands for.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public static TargetPageKind Parse(string name) => Names.TryGetValue(name, out var kind)
        ? kind
        : throw new ArgumentException($"unknown page kind '{name}': valid are {string.Join(", ", Names.Keys)}");

    /// <summary>The command-line name of a kind.</summary>
    public static string NameOf(TargetPageKind kind) => KebabCase(kind.ToString());

    /// <summary>Builds a page of <paramref name="kind"/>; for a THP, <paramref name="subpage"/> picks the page to poison.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative mapper count or a sub-page outside the folio.</exception>
    /// <exception cref="InvalidOperationException">The machine has no memory (or huge page) left.</exception>
    public TargetPage Build(TargetPageKind kind, int extraMappers = 0, int subpage = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(extraMappers);
        return kind switch
        {
            TargetPageKind.AnonDirty => Anon(kind, extraMappers, PageFlags.Dirty, pins: 0, VmFlags.None),
            TargetPageKind.AnonClean => Anon(kind, extraMappers, PageFlags.None, pins: 0, VmFlags.None),
            TargetPageKind.AnonPinned => Anon(kind, extraMappers, PageFlags.Dirty, Rmap.GupPinCountingBias, VmFlags.None),
            TargetPageKind.MlockedDirty => Anon(kind, extraMappers, PageFlags.Dirty | PageFlags.Mlocked | PageFlags.Unevictable, pins: 0, VmFlags.Locked),
            TargetPageKind.SwapcacheDirty => Anon(kind, extraMappers, PageFlags.Dirty | PageFlags.Swapcache, pins: 0, VmFlags.None),
            TargetPageKind.SwapcacheClean => Anon(kind, extraMappers, PageFlags.Swapcache, pins: 0, VmFlags.None),
            TargetPageKind.AnonThp => Thp(kind, extraMappers, subpage, pins: 0),
            TargetPageKind.AnonThpPinned => Thp(kind, extraMappers, subpage, Rmap.GupPinCountingBias),
            TargetPageKind.FileClean => File(kind, extraMappers, InodeKind.Regular, PageFlags.None, VmFlags.None),
            TargetPageKind.FileDirty => File(kind, extraMappers, InodeKind.Regular, PageFlags.Dirty, VmFlags.None),
            TargetPageKind.Shmem => File(kind, extraMappers, InodeKind.Shmem, PageFlags.Dirty, VmFlags.None),
            TargetPageKind.ShmemLocked => File(kind, extraMappers, InodeKind.Shmem, PageFlags.Dirty | PageFlags.Unevictable, VmFlags.None),
            TargetPageKind.UnevictableClean => File(kind, extraMappers, InodeKind.Regular, PageFlags.Unevictable, VmFlags.None),
            TargetPageKind.MlockedClean => File(kind, extraMappers, InodeKind.Regular, PageFlags.Mlocked | PageFlags.Unevictable, VmFlags.Locked),
            TargetPageKind.Ksm => Ksm(extraMappers),
            TargetPageKind.HugetlbAnon => Hugetlb(kind, extraMappers, subpage, file: false),
            TargetPageKind.HugetlbFile => Hugetlb(kind, extraMappers, subpage, file: true),
            TargetPageKind.HugetlbFree => HugetlbFree(subpage),
            TargetPageKind.FreeBuddy => FreeBuddy(),
            TargetPageKind.Reserved => Kernel(kind, machine.Memory.PfnToPage(1)),
            TargetPageKind.Slab => Kernel(kind, Set(Alloc(0), PageFlags.Slab).Head),
            TargetPageKind.TruncatedLru => Kernel(kind, Set(Alloc(0), PageFlags.Lru | PageFlags.Uptodate).Head),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a page kind"),
        };
    }

    /// <summary>A forked child of <paramref name="parent"/>: the same VMAs and mappings, anonymous ones shared copy-on-write.</summary>
    [KernelSymbol("kernel/fork.c", "dup_mmap")]
    public TaskStruct Fork(TaskStruct parent, string comm)
    {
        var pmm = parent.Mm ?? throw new ArgumentException($"{parent} has no mm", nameof(parent));
        var mm = new MmStruct();
        var child = machine.Tasks.CreateProcess(comm, mm, parent);
        foreach (var vma in pmm.Vmas)
        {
            var copy = mm.InsertVma(vma.Start, vma.End, vma.Flags, vma.File, vma.PgOff);
            if (vma.AnonVma is { } av)
            {
                copy.AnonVma = av;
                av.Link(copy);
            }

            foreach (var (address, entry, level) in pmm.PageTable.LeavesIn(vma.Start, vma.End).ToArray())
            {
                if (!entry.IsPresent)
                {
                    continue;
                }

                var shared = entry with { Write = entry.Write && vma.IsShared };
                pmm.PageTable.Set(address, shared, level);
                mm.PageTable.Set(address, shared, level);
                var folio = machine.Memory.PfnToPage(entry.Pfn).Folio;
                folio.Head.MapCount++;
                folio.Head.RefCount++;
                if (folio.Mapping is KsmStableNode ksm)
                {
                    ksm.AddRmapItem(copy, address);
                }

                if (!vma.IsShared)
                {
                    folio.Clear(PageFlags.AnonExclusive);
                }
            }
        }

        return child;
    }

    private TargetPage Anon(TargetPageKind kind, int extraMappers, PageFlags state, int pins, VmFlags extra)
    {
        var owner = machine.Tasks.CreateProcess("victim");
        var vma = owner.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write | extra);
        var folio = Alloc(0);
        var dirty = (state & PageFlags.Dirty) != 0;
        var flags = PageFlags.Lru | PageFlags.Uptodate | PageFlags.AnonExclusive | state | (kind == TargetPageKind.AnonClean ? PageFlags.None : PageFlags.Swapbacked);
        Set(folio, flags);
        MapAnon(vma, vma.Start, folio, dirty, PageTableLevel.Pte);
        if ((state & PageFlags.Swapcache) != 0)
        {
            folio.Head.SwapOffset = 1 + folio.Pfn;
            folio.Head.RefCount++;
        }

        folio.Head.RefCount += pins;
        Fill(folio);
        return Finish(kind, folio.Head, owner, vma.Start, extraMappers, null);
    }

    private TargetPage Thp(TargetPageKind kind, int extraMappers, int subpage, int pins)
    {
        var owner = machine.Tasks.CreateProcess("victim");
        var vma = owner.Mm!.Mmap(2UL << 20, VmFlags.Read | VmFlags.Write | VmFlags.Hugepage, align: 2UL << 20);
        var folio = Alloc(9);
        Set(folio, PageFlags.Lru | PageFlags.Uptodate | PageFlags.Swapbacked | PageFlags.Dirty | PageFlags.AnonExclusive);
        MapAnon(vma, vma.Start, folio, dirty: true, PageTableLevel.Pmd);
        folio.Head.RefCount += pins;
        Fill(folio);
        return Finish(kind, Sub(folio, subpage), owner, vma.Start + ((ulong)subpage << PhysicalMemory.PageShift), extraMappers, null);
    }

    private TargetPage File(TargetPageKind kind, int extraMappers, InodeKind inodeKind, PageFlags state, VmFlags extra)
    {
        var inode = machine.Filemap.CreateFile(inodeKind == InodeKind.Shmem ? "/dev/shm/data" : "/data/file", inodeKind, 4 * PhysicalMemory.PageSize);
        inode.Dev = inodeKind == InodeKind.Regular ? (8u << 20) | 1 : 0;
        Folio folio;
        if (inodeKind == InodeKind.Regular)
        {
            var block = new byte[PhysicalMemory.PageSize];
            Pattern(block, 0x5a);
            inode.BackingStore[0] = block;
            folio = machine.Filemap.ReadCacheFolio(inode, 0) ?? throw new InvalidOperationException("out of memory");
        }
        else
        {
            folio = Alloc(0);
            machine.Filemap.AddToPageCache(inode, folio, 0);
            Set(folio, PageFlags.Uptodate);
            Fill(folio);
        }

        Set(folio, state);
        var dirty = (state & PageFlags.Dirty) != 0;
        var owner = machine.Tasks.CreateProcess("victim");
        var address = MapFile(owner, inode, folio, dirty, extra);
        var mappers = new List<TaskStruct>();
        for (var i = 0; i < extraMappers; i++)
        {
            var other = machine.Tasks.CreateProcess(string.Create(CultureInfo.InvariantCulture, $"mapper{i + 1}"));
            MapFile(other, inode, folio, dirty: false, extra);
            mappers.Add(other);
        }

        return new TargetPage(kind, folio.Head, owner, address, [owner, .. mappers], inode);
    }

    private TargetPage Ksm(int extraMappers)
    {
        var node = new KsmStableNode();
        var folio = Alloc(0);
        Set(folio, PageFlags.Lru | PageFlags.Uptodate | PageFlags.Swapbacked | PageFlags.Dirty);
        folio.Head.Mapping = node;
        folio.Head.RefCount = 0;
        Fill(folio);
        var tasks = new List<TaskStruct>();
        ulong? ownerAddress = null;
        for (var i = 0; i < 2 + extraMappers; i++)
        {
            var t = machine.Tasks.CreateProcess(i == 0 ? "victim" : string.Create(CultureInfo.InvariantCulture, $"ksm-peer{i}"));
            var vma = t.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write | VmFlags.Mergeable);
            vma.AnonVma = new AnonVma();
            vma.AnonVma.Link(vma);
            t.Mm.PageTable.Set(vma.Start, Pte.Present(folio.Pfn, write: false));
            node.AddRmapItem(vma, vma.Start);
            folio.Head.MapCount++;
            folio.Head.RefCount++;
            ownerAddress ??= vma.Start;
            tasks.Add(t);
        }

        return new TargetPage(TargetPageKind.Ksm, folio.Head, tasks[0], ownerAddress, tasks, null);
    }

    private TargetPage Hugetlb(TargetPageKind kind, int extraMappers, int subpage, bool file)
    {
        var h = Hstate2M();
        var folio = machine.Hugetlb.AllocHugetlbFolio(h) ?? throw new InvalidOperationException("no free 2 MiB huge page");
        var owner = machine.Tasks.CreateProcess("victim");
        Inode? inode = null;
        Set(folio, PageFlags.Uptodate | PageFlags.Dirty);
        Fill(folio);
        Vma vma;
        if (file)
        {
            inode = machine.Filemap.CreateFile("/dev/hugepages/data", InodeKind.Hugetlbfs, h.Size);
            machine.Filemap.AddToPageCache(inode, folio, 0);
            folio.Clear(PageFlags.Lru);
            folio.Head.RefCount = (int)folio.NrPages;
            vma = owner.Mm!.Mmap(h.Size, VmFlags.Read | VmFlags.Write | VmFlags.Shared | VmFlags.MayShare | VmFlags.Hugetlb, inode, 0, h.Size);
            Map(vma, vma.Start, folio, dirty: true, PageTableLevel.Pmd);
        }
        else
        {
            vma = owner.Mm!.Mmap(h.Size, VmFlags.Read | VmFlags.Write | VmFlags.Hugetlb, align: h.Size);
            MapAnon(vma, vma.Start, folio, dirty: true, PageTableLevel.Pmd);
        }

        var target = Finish(kind, Sub(folio, subpage), owner, vma.Start + ((ulong)subpage << PhysicalMemory.PageShift), extraMappers, inode);
        return target;
    }

    private TargetPage HugetlbFree(int subpage)
    {
        var h = Hstate2M();
        var folio = machine.Hugetlb.AllocHugetlbFolio(h) ?? throw new InvalidOperationException("no free 2 MiB huge page");
        machine.PutFolio(folio);
        return Kernel(TargetPageKind.HugetlbFree, Sub(folio, subpage));
    }

    private TargetPage FreeBuddy()
    {
        var folio = Alloc(0);
        machine.PutFolio(folio);
        return Kernel(TargetPageKind.FreeBuddy, folio.Head);
    }

    private static TargetPage Kernel(TargetPageKind kind, Page page) => new(kind, page, null, null, [], null);

    private TargetPage Finish(TargetPageKind kind, Page page, TaskStruct owner, ulong address, int extraMappers, Inode? file)
    {
        var mappers = new List<TaskStruct> { owner };
        for (var i = 0; i < extraMappers; i++)
        {
            mappers.Add(Fork(owner, string.Create(CultureInfo.InvariantCulture, $"victim-child{i + 1}")));
        }

        return new TargetPage(kind, page, owner, address, mappers, file);
    }

    private ulong MapFile(TaskStruct task, Inode inode, Folio folio, bool dirty, VmFlags extra)
    {
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write | VmFlags.Shared | VmFlags.MayShare | extra, inode, 0);
        Map(vma, vma.Start, folio, dirty, PageTableLevel.Pte);
        return vma.Start;
    }

    // Maps a folio's first page at address (the whole folio at PMD level) and takes the mapping's reference.
    private static void Map(Vma vma, ulong address, Folio folio, bool dirty, PageTableLevel level)
    {
        vma.Mm.PageTable.Set(address, Pte.Present(folio.Pfn, write: (vma.Flags & VmFlags.Write) != 0, dirty), level);
        folio.Head.MapCount++;
        folio.Head.RefCount++;
    }

    // A new anonymous folio's first mapping: linked to the VMA's anon_vma at its linear index; the allocation's
    // reference becomes the mapping's.
    private static void MapAnon(Vma vma, ulong address, Folio folio, bool dirty, PageTableLevel level)
    {
        if (vma.AnonVma is null)
        {
            vma.AnonVma = new AnonVma();
            vma.AnonVma.Link(vma);
        }

        folio.Head.Mapping = vma.AnonVma;
        folio.Head.Index = vma.LinearPageIndex(address);
        folio.Head.RefCount--;
        Map(vma, address, folio, dirty, level);
    }

    private Hstate Hstate2M()
    {
        var h = machine.Hugetlb.SizeToHstate(2UL << 20) ?? throw new InvalidOperationException("the machine has no 2 MiB hstate");
        if (h.FreeHugePages == 0 && machine.Hugetlb.Grow(h, 1) == 0)
        {
            throw new InvalidOperationException("no memory for a 2 MiB huge page");
        }

        return h;
    }

    private Folio Alloc(int order) => machine.Allocator.AllocFolio(order) ?? throw new InvalidOperationException("out of memory");

    private Page Sub(Folio folio, int subpage) => subpage >= 0 && (ulong)subpage < folio.NrPages
        ? folio.PageAt(machine.Memory, (ulong)subpage)
        : throw new ArgumentOutOfRangeException(nameof(subpage), subpage, $"the folio has {folio.NrPages} pages");

    private static Folio Set(Folio folio, PageFlags flags)
    {
        folio.Set(flags);
        return folio;
    }

    // Recognisable contents: byte i of page n is (n * 7 + i) & 0xff.
    private void Fill(Folio folio)
    {
        for (ulong n = 0; n < folio.NrPages; n++)
        {
            Pattern(machine.Memory.FrameForWrite(folio.Pfn + n), (int)(n * 7));
        }
    }

    private static void Pattern(Span<byte> bytes, int seed)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(seed + i);
        }
    }

    private static string KebabCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : string.Empty) + char.ToLowerInvariant(c) : c.ToString()));
}
