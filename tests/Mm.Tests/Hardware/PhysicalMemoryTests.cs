namespace KernelModel.Mm.Tests.Hardware;

[Collection(HostMemoryCollection.Name)]
public sealed class PhysicalMemoryTests
{
    private const ulong TiB = 1UL << 40;

    [Fact]
    public void OneTebibyteTwoNodes_UntouchedMemoryCostsOnlySectionMetadata()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var memory = new PhysicalMemory(TiB, nodes: 2);
        var after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.Equal(TiB >> 12, memory.MaxPfn);
        Assert.Equal(8192, memory.SectionCount);
        Assert.Equal(0, memory.TouchedFrames);
        Assert.True(after - before < 16L << 20, $"an untouched 1 TiB machine took {(after - before) >> 20} MiB");
        GC.KeepAlive(memory);
    }

    [Fact]
    public void ThousandsOfRandomFramesTouched_HostMemoryGrowsWithTouchedFramesOnly()
    {
        var memory = new PhysicalMemory(TiB, nodes: 2);
        var random = new Random(42);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var pfns = Enumerable.Range(0, 4000).Select(_ => (ulong)random.NextInt64((long)memory.MaxPfn)).Distinct().ToArray();
        foreach (var pfn in pfns)
        {
            memory.FrameForWrite(pfn)[7] = (byte)pfn;
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);

        Assert.Equal(pfns.Length, memory.TouchedFrames);
        var perFrame = (after - before) / pfns.Length;
        Assert.True(perFrame < 4096 + 12 * 1024, $"{perFrame} bytes of host memory per touched 4 KiB frame");
        Assert.All(pfns, pfn => Assert.Equal((byte)pfn, memory.FrameForRead(pfn)[7]));
        GC.KeepAlive(memory);
    }

    [Fact]
    public void UntouchedFrame_ReadsAsZeroWithoutComingIntoExistence()
    {
        var memory = new PhysicalMemory(1UL << 30);
        var buffer = new byte[100];
        buffer.AsSpan().Fill(0xaa);

        memory.Read(0x1234_0000, buffer);

        Assert.All(buffer, b => Assert.Equal(0, b));
        Assert.Equal(0, memory.TouchedFrames);
    }

    [Fact]
    public void WriteAcrossAFrameBoundary_ReadsBack()
    {
        var memory = new PhysicalMemory(1UL << 30);
        var data = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();

        memory.Write(0x2000 - 100, data);
        var back = new byte[300];
        memory.Read(0x2000 - 100, back);

        Assert.Equal(data, back);
        Assert.Equal(2, memory.TouchedFrames);
    }

    [Fact]
    public void Nodes_SplitMemoryEvenly()
    {
        var memory = new PhysicalMemory(4UL << 30, nodes: 2);

        Assert.Equal(0, memory.NodeOf(0));
        Assert.Equal(0, memory.NodeOf((2UL << 30 >> 12) - 1));
        Assert.Equal(1, memory.NodeOf(2UL << 30 >> 12));
        Assert.Equal(new NumaNode(1, 0x80000, 0x80000), memory.Nodes[1]);
    }

    [Fact]
    public void PfnOutOfRange_MessageNamesTheValueAndTheValidRange()
    {
        var memory = new PhysicalMemory(1UL << 30);

        var error = Assert.Throws<PfnOutOfRangeException>(() => memory.PfnToPage(0x40000));

        Assert.Contains("pfn 0x40000 is outside memory: valid pfns are 0..0x3ffff", error.Message);
        Assert.False(memory.PfnValid(0x40000));
        Assert.True(memory.PfnValid(0x3ffff));
    }

    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(100UL << 20, 1)]
    [InlineData(1UL << 30, 3)]
    [InlineData(1UL << 30, 0)]
    public void BadShape_IsRejectedWithTheRule(ulong bytes, int nodes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new PhysicalMemory(bytes, nodes));

        Assert.Matches("multiple of|NUMA nodes must be", error.Message);
    }
}
