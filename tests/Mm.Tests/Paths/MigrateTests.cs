using Moq;

namespace KernelModel.Mm.Tests.Paths;

/// <summary>Migration through folio_mc_copy and its callers: NUMA balancing, compaction, move_pages.</summary>
public sealed class MigrateTests
{
    private static (TaskStruct Task, Vma Vma, Folio Folio) MappedAnonPage(PathsHarness h, int pages = 1)
    {
        var task = h.Process("mig");
        var vma = PathsHarness.MapAnon(task, pages);
        h.Fill(task, vma.Start, 0x3c, pages * 4096);
        return (task, vma, h.PageAt(task, vma.Start).Folio);
    }

    private static int MigrateToNode1(PathsHarness h, List<Folio> list) =>
        Migrate.MigratePages(h.Machine, list, src => Migrate.AllocMigrationTarget(h.Machine, src, 1), MigrateMode.Sync, MigrateReason.Syscall, out _);

    [Fact]
    public void MigratePages_AnonPage_MovesItAndItsPteFollows()
    {
        var h = PathsHarness.WithCopyMc(nodes: 2);
        var (task, vma, folio) = MappedAnonPage(h);
        Assert.True(Migrate.IsolateFolio(folio));
        var list = new List<Folio> { folio };

        var failed = Migrate.MigratePages(h.Machine, list, src => Migrate.AllocMigrationTarget(h.Machine, src, 1), MigrateMode.Sync,
            MigrateReason.Syscall, out var succeeded);

        Assert.Equal((0, 1), (failed, succeeded));
        Assert.Empty(list);
        var pte = PathsHarness.PteAt(task, vma.Start);
        var moved = h.Machine.Memory.PfnToPage(pte.Pfn);
        Assert.Equal(1, moved.Nid);
        Assert.True(pte.Write);
        Assert.Equal((1, 1), (moved.MapCount, moved.RefCount));
        Assert.True(moved.Test(PageFlags.AnonExclusive | PageFlags.Lru));
        Assert.Same(vma.AnonVma, moved.Mapping);
        Assert.Equal(0x3c, h.Machine.Memory.FrameForRead(moved.Pfn)[4095]);
        Assert.True(h.Machine.Allocator.IsFreeBuddyPage(folio.Pfn));
    }

    [Fact]
    public void MigratePages_ForMemoryFailure_TheOldFolioKeepsItsIsolationReferenceForPageHandlePoison()
    {
        var h = PathsHarness.WithCopyMc();
        var (task, vma, folio) = MappedAnonPage(h);
        Migrate.IsolateFolio(folio);
        var list = new List<Folio> { folio };

        var failed = Migrate.MigratePages(h.Machine, list, src => Migrate.AllocMigrationTarget(h.Machine, src, src.Head.Nid), MigrateMode.Sync,
            MigrateReason.MemoryFailure, out var succeeded);

        Assert.Equal((0, 1), (failed, succeeded));
        Assert.NotEqual(folio.Pfn, PathsHarness.PteAt(task, vma.Start).Pfn);
        Assert.Equal((0, 1), (folio.MapCount, folio.RefCount));
        Assert.False(h.Machine.Allocator.IsFreeBuddyPage(folio.Pfn));
    }

    [Fact]
    public void MigratePages_PoisonedSource_EhwpoisonIsAPermanentFailureTheMappingIsRestoredAndTheCopyFreed()
    {
        var h = PathsHarness.WithCopyMc(nodes: 2);
        var (task, vma, folio) = MappedAnonPage(h);
        var pteBefore = PathsHarness.PteAt(task, vma.Start);
        h.Poison(folio.Head, 0x7c0);
        Migrate.IsolateFolio(folio);
        var list = new List<Folio> { folio };
        var freeNode1 = h.Machine.Allocator.Zones[1].NrFreePages;

        var failed = MigrateToNode1(h, list);

        Assert.Equal(1, failed);
        Assert.Equal([folio], list);
        Assert.Equal(pteBefore with { Dirty = false }, PathsHarness.PteAt(task, vma.Start) with { Dirty = false });
        Assert.Equal((1, 2), (folio.MapCount, folio.RefCount));
        Assert.False(folio.Test(PageFlags.Locked));
        Assert.True(folio.Test(PageFlags.Dirty));
        Assert.Equal(freeNode1, h.Machine.Allocator.Zones[1].NrFreePages);
        h.VerifyQueuedExactly(folio.Pfn);
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), It.IsAny<ulong>()), Times.Once);
        Assert.Empty(task.Delivered);

        Migrate.PutbackMovablePages(h.Machine, list);
        Assert.Equal((1, 1, true), (folio.MapCount, folio.RefCount, folio.Test(PageFlags.Lru)));
    }

    [Fact]
    public void MigratePages_PoisonedPageCacheFolio_StaysInTheCacheAndMapped()
    {
        var h = PathsHarness.WithCopyMc(nodes: 2);
        var file = h.Machine.Filemap.CreateFile("/data", InodeKind.Regular, 4096);
        var task = h.Process("reader");
        var vma = task.Mm!.Mmap(4096, VmFlags.Read, file);
        UserAccess.Read(h.Machine, task, vma.Start, new byte[1]);
        var folio = file.Mapping.Lookup(0)!.Value;
        h.Poison(folio.Head);
        Migrate.IsolateFolio(folio);

        Assert.Equal(1, MigrateToNode1(h, [folio]));
        Assert.Equal(folio, file.Mapping.Lookup(0));
        Assert.Equal(folio.Pfn, PathsHarness.PteAt(task, vma.Start).Pfn);
    }

    [Fact]
    public void MigratePages_CleanPageCacheFolio_TheCacheEntrySwitchesToTheCopy()
    {
        var h = PathsHarness.WithCopyMc(nodes: 2);
        var file = h.Machine.Filemap.CreateFile("/data", InodeKind.Regular, 4096);
        var folio = h.Machine.Filemap.ReadCacheFolio(file, 0)!.Value;
        Migrate.IsolateFolio(folio);

        Assert.Equal(0, MigrateToNode1(h, [folio]));
        var moved = file.Mapping.Lookup(0)!.Value;
        Assert.Equal((1, 1), (moved.Head.Nid, moved.RefCount));
        Assert.Same(file.Mapping, moved.Mapping);
    }

    [Fact]
    public void MigratePages_PoisonedSourceOnTheGenericProfile_TheKernelDies()
    {
        var h = PathsHarness.Generic();
        var (task, _, folio) = MappedAnonPage(h);
        h.Poison(folio.Head);
        Migrate.IsolateFolio(folio);

        KernelRun<int> run;
        using (h.Machine.CurrentCpu.Enter(task, CpuMode.Kernel))
        {
            run = h.Machine.Run(() => Migrate.MigratePages(h.Machine, [folio], src => h.Machine.Allocator.AllocFolio(0), MigrateMode.Sync,
                MigrateReason.Syscall, out _));
        }

        Assert.True(run.Died);
        h.VerifyNothingQueued();
    }

    [Fact]
    public void DoNumaPage_PoisonedPage_StaysOnItsNodeTheFaultCompletesWithoutASignal()
    {
        var h = PathsHarness.WithCopyMc(nodes: 2);
        var (task, vma, folio) = MappedAnonPage(h);
        h.Poison(folio.Head);

        var fault = NumaBalancing.DoNumaPage(h.Machine, task, vma.Start, 1);

        Assert.Equal(VmFault.None, fault);
        Assert.Equal(folio.Pfn, PathsHarness.PteAt(task, vma.Start).Pfn);
        Assert.Equal((0, 1, 1, true), (folio.Head.Nid, folio.MapCount, folio.RefCount, folio.Test(PageFlags.Lru)));
        Assert.Empty(task.Delivered);
        h.VerifyQueuedExactly(folio.Pfn);
    }

    [Fact]
    public void MigrateMisplacedFolio_Poisoned_ReturnsEagain_Clean_ReturnsZero()
    {
        var h = PathsHarness.WithCopyMc(nodes: 2);
        var (task, vma, folio) = MappedAnonPage(h, 2);
        var other = h.PageAt(task, vma.Start + 4096).Folio;
        h.Poison(folio.Head);

        Assert.Equal(-Errno.EAGAIN, NumaBalancing.MigrateMisplacedFolio(h.Machine, folio, 1));
        Assert.Equal(0, NumaBalancing.MigrateMisplacedFolio(h.Machine, other, 1));
        Assert.Equal(1, h.PageAt(task, vma.Start + 4096).Nid);
    }

    [Fact]
    public void CompactZone_PoisonedPageInTheRange_IsPutBackAndTheOthersMove()
    {
        var h = PathsHarness.WithCopyMc();
        var (task, vma, folio) = MappedAnonPage(h, 3);
        var pfns = Enumerable.Range(0, 3).Select(i => h.PageAt(task, vma.Start + ((ulong)i * 4096)).Pfn).ToArray();
        h.Poison(h.Machine.Memory.PfnToPage(pfns[1]));
        var zone = h.Machine.Allocator.Zones[0];

        var result = Compaction.CompactZone(h.Machine, zone, pfns.Min(), pfns.Max() + 1);

        Assert.Equal(new CompactionResult(3, 2, 1), result);
        Assert.Equal(pfns[1], PathsHarness.PteAt(task, vma.Start + 4096).Pfn);
        Assert.True(PathsHarness.PteAt(task, vma.Start).Pfn > pfns.Max());
        Assert.True(h.Machine.Memory.PfnToPage(pfns[1]).Test(PageFlags.Lru));
        h.VerifyQueuedExactly(pfns[1]);
        Assert.Equal("kcompactd0", h.Machine.Tasks.All.Last().Comm);
    }

    [Fact]
    public void MovePages_PoisonedPage_ReturnsTheNumberNotMigratedAndWritesNoStatus()
    {
        var h = PathsHarness.WithCopyMc(nodes: 2);
        var (task, vma, folio) = MappedAnonPage(h, 2);
        h.Poison(folio.Head);
        ulong[] pages = [vma.Start, vma.Start + 4096];
        var status = new[] { 99, 99 };

        var ret = MovePages.KernelMovePages(h.Machine, task, pages, [1, 1], status);

        Assert.Equal(1, ret);
        Assert.Equal([99, 99], status);
        Assert.Equal(0, h.PageAt(task, vma.Start).Nid);
        Assert.Equal(1, h.PageAt(task, vma.Start + 4096).Nid);
        h.VerifyQueuedExactly(folio.Pfn);
    }

    [Fact]
    public void MovePages_CleanPages_StatusIsTheTargetNode()
    {
        var h = PathsHarness.WithCopyMc(nodes: 2);
        var (task, vma, _) = MappedAnonPage(h, 2);
        var status = new[] { 99, 99, 99 };

        var ret = MovePages.KernelMovePages(h.Machine, task, [vma.Start, vma.Start + 4096, 0x1000], [1, 1, 1], status);

        Assert.Equal(0, ret);
        Assert.Equal([1, 1, -Errno.EFAULT], status);
    }
}
