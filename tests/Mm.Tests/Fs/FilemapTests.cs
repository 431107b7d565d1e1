namespace KernelModel.Mm.Tests.Fs;

public sealed class FilemapTests
{
    [Fact]
    public void CleanPage_DroppedAndReadAgain_ComesBackFromTheBackingStore()
    {
        var machine = MachineFactory.Generic();
        var file = machine.Filemap.CreateFile("/data", InodeKind.Regular, 4 * 4096UL);
        file.BackingStore[1] = Enumerable.Repeat((byte)0x5a, 4096).ToArray();

        var first = machine.Filemap.ReadCacheFolio(file, 1)!.Value;
        Assert.Equal(0x5a, machine.Memory.FrameForRead(first.Pfn)[100]);
        Assert.True(first.Test(PageFlags.Uptodate | PageFlags.Lru));
        Assert.Same(file.Mapping, first.Mapping);

        machine.Filemap.RemoveFromPageCache(first);
        Assert.Null(file.Mapping.Lookup(1));
        Assert.True(machine.Allocator.IsFreeBuddyPage(first.Pfn));

        var again = machine.Filemap.ReadCacheFolio(file, 1)!.Value;
        Assert.Equal(0x5a, machine.Memory.FrameForRead(again.Pfn)[4095]);
    }

    [Fact]
    public void DirtyPage_WrittenBack_ReachesTheBackingStore()
    {
        var machine = MachineFactory.Generic();
        var file = machine.Filemap.CreateFile("/data", InodeKind.Regular, 4096);
        var folio = machine.Filemap.ReadCacheFolio(file, 0)!.Value;
        machine.Memory.FrameForWrite(folio.Pfn)[0] = 0x77;
        Filemap.MarkDirty(folio);

        machine.Filemap.Writeback(folio);

        Assert.False(folio.Test(PageFlags.Dirty));
        Assert.Equal(0x77, file.BackingStore[0][0]);
    }

    [Fact]
    public void DirtyPageLost_WritebackErrorIsReportedOncePerOpenFile()
    {
        var machine = MachineFactory.Generic();
        var file = machine.Filemap.CreateFile("/data", InodeKind.Regular, 4096);
        var a = new OpenFile(file);
        var b = new OpenFile(file);

        file.Mapping.SetError(Errno.EIO);

        Assert.Equal(-Errno.EIO, a.CheckAndAdvanceWbErr());
        Assert.Equal(0, a.CheckAndAdvanceWbErr());
        Assert.Equal(-Errno.EIO, b.CheckAndAdvanceWbErr());
        Assert.Equal(0, new OpenFile(file).CheckAndAdvanceWbErr());
    }

    [Fact]
    public void LargeFolio_CoversEveryIndexItSpans()
    {
        var machine = MachineFactory.Generic();
        var file = machine.Filemap.CreateFile("/shm", InodeKind.Shmem, 4UL << 20);
        var folio = machine.Allocator.AllocFolio(9)!.Value;

        machine.Filemap.AddToPageCache(file, folio, 512);

        Assert.Equal(folio, file.Mapping.Lookup(512));
        Assert.Equal(folio, file.Mapping.Lookup(1023));
        Assert.Null(file.Mapping.Lookup(511));
        Assert.Null(file.Mapping.Lookup(1024));
        Assert.True(folio.Test(PageFlags.Swapbacked));
        Assert.Throws<InvalidOperationException>(() => machine.Filemap.AddToPageCache(file, machine.Allocator.AllocFolio(0)!.Value, 700));
    }
}
