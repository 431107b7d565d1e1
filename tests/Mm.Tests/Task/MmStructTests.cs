namespace KernelModel.Mm.Tests.Task;

public sealed class MmStructTests
{
    [Fact]
    public void Mmap_PlacesMappingsTopDownWithoutOverlapAndFindVmaFindsThem()
    {
        var mm = new MmStruct();

        var a = mm.Mmap(3 * 4096, VmFlags.Read | VmFlags.Write);
        var b = mm.Mmap(2UL << 20, VmFlags.Read | VmFlags.Write | VmFlags.Hugetlb, align: 2UL << 20);

        Assert.Equal(3UL * 4096, a.Length);
        Assert.True(b.End <= a.Start);
        Assert.Equal(0UL, b.Start % (2UL << 20));
        Assert.True(b.IsHugetlb);
        Assert.Same(a, mm.FindVma(a.Start + 5000));
        Assert.Same(b, mm.FindVma(b.End - 1));
        Assert.Null(mm.FindVma(a.End));
        Assert.Equal(new[] { b, a }, mm.Vmas);
    }

    [Fact]
    public void FileMapping_IsLinkedIntoTheFilesIMmapAndIndexesByPgoff()
    {
        var machine = MachineFactory.Generic();
        var file = machine.Filemap.CreateFile("/data", InodeKind.Regular, 1UL << 20);
        var mm = new MmStruct();

        var vma = mm.Mmap(8 * 4096, VmFlags.Read | VmFlags.Shared, file, pgoff: 16);

        Assert.Contains(vma, file.Mapping.IMmap);
        Assert.Equal(19UL, vma.LinearPageIndex(vma.Start + (3 * 4096) + 5));
        Assert.Equal(vma.Start + (2 * 4096), vma.AddressOf(18));
        Assert.Null(vma.AddressOf(15));
        Assert.Null(vma.AddressOf(24));

        mm.RemoveVma(vma);
        Assert.Empty(file.Mapping.IMmap);
    }

    [Fact]
    public void InsertVma_Overlap_IsRejected()
    {
        var mm = new MmStruct();
        var a = mm.Mmap(4096, VmFlags.Read);

        Assert.Throws<ArgumentException>(() => mm.InsertVma(a.Start, a.End, VmFlags.Read, null, 0));
    }

    [Fact]
    public void Mmap_BadArguments_AreRejected()
    {
        var mm = new MmStruct();

        Assert.Throws<ArgumentException>(() => mm.Mmap(0, VmFlags.Read));
        Assert.Throws<ArgumentException>(() => mm.Mmap(4096, VmFlags.Read, align: 3000));
    }
}
