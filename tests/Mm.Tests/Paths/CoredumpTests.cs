using Moq;

namespace KernelModel.Mm.Tests.Paths;

public sealed class CoredumpTests
{
    private static (TaskStruct Task, Vma Vma) DyingProcess(PathsHarness h)
    {
        var task = h.Process("crasher");
        var vma = PathsHarness.MapAnon(task, 4);
        for (var i = 0; i < 4; i++)
        {
            h.Fill(task, vma.Start + ((ulong)i * 4096), (byte)(0xc0 + i));
        }

        return (task, vma);
    }

    [Fact]
    public void DoCoredump_CleanMemory_WritesEveryPage()
    {
        var h = PathsHarness.WithCopyMc();
        var (task, _) = DyingProcess(h);

        var core = Coredump.DoCoredump(h.Machine, task);

        Assert.False(core.Truncated);
        Assert.Equal(4 * 4096L, core.Size);
        Assert.Equal([0xc0, 0xc1, 0xc2, 0xc3], core.Pages.Select(p => (int)p.Data[100]));
    }

    [Fact]
    public void DoCoredump_PoisonedThirdPage_TheCoreStopsThereAndNothingIsQueued()
    {
        var h = PathsHarness.WithCopyMc();
        var (task, vma) = DyingProcess(h);
        h.Poison(h.PageAt(task, vma.Start + (2 * 4096)), 0xf00);
        var free = h.Machine.Allocator.NrFreePages;

        var core = Coredump.DoCoredump(h.Machine, task);

        Assert.True(core.Truncated);
        Assert.Equal(2 * 4096L, core.Size);
        Assert.Equal(2, core.Pages.Count);
        h.CopyMc.Verify(c => c.CopyMcToKernel(It.IsAny<ulong>(), It.IsAny<ulong>(), 4096), Times.Exactly(3));
        h.VerifyNothingQueued();
        Assert.Equal(free, h.Machine.Allocator.NrFreePages);
        Assert.Equal((1, 1), (h.PageAt(task, vma.Start).MapCount, h.PageAt(task, vma.Start).RefCount));
    }

    [Fact]
    public void DoCoredump_UnmappedAndZeroPages_AreHoles()
    {
        var h = PathsHarness.WithCopyMc();
        var task = h.Process("sparse");
        var vma = PathsHarness.MapAnon(task, 3);
        UserAccess.Read(h.Machine, task, vma.Start, new byte[1]);
        h.Fill(task, vma.Start + (2 * 4096), 0x1, 1);

        var core = Coredump.DoCoredump(h.Machine, task);

        Assert.Equal(3 * 4096L, core.Size);
        Assert.Equal(2 * 4096L, Assert.Single(core.Pages).Offset);
    }

    [Fact]
    public void DoCoredump_PoisonedPageOnTheGenericProfile_TheWriteConsumesItAndTheKernelDies()
    {
        var h = PathsHarness.Generic();
        var (task, vma) = DyingProcess(h);
        h.Poison(h.PageAt(task, vma.Start + 4096));

        var run = h.Machine.Run(() => Coredump.DoCoredump(h.Machine, task));

        Assert.True(run.Died);
        Assert.Equal(Coredump.WriteLoad, Assert.Single(h.Machine.Traps).Site);
        h.VerifyNothingQueued();
    }
}
