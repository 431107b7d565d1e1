using KernelModel.Mm;

namespace KernelModel.Hwpoison.Tests;

/// <summary>HardwareCorrupted, the per-node memory_failure statistics and the ras:memory_failure_event records.</summary>
public sealed class CountersTests
{
    [Fact]
    public void EachOutcome_CountsOnePageOnItsNode()
    {
        var m = TestMachine.Boot(nodes: 2);
        var mf = m.Mf();
        var anon = m.Target(TargetPageKind.AnonDirty);
        var slab = m.Target(TargetPageKind.Slab);
        var free = m.Target(TargetPageKind.FreeBuddy);
        var node1 = m.Memory.Nodes[1].StartPfn + 0x100;

        m.MemoryFailure(free.Pfn, MfFlags.None);
        m.MemoryFailure(anon.Pfn, MfFlags.None);
        m.MemoryFailure(slab.Pfn, MfFlags.None);
        m.MemoryFailure(node1, MfFlags.None);

        Assert.Equal(4, mf.NumPoisonedPages);
        Assert.Equal(16, mf.HardwareCorruptedKb);
        Assert.Equal("HardwareCorrupted:    16 kB", mf.MeminfoHardwareCorrupted);
        Assert.Equal(["3\n", "1\n", "0\n", "0\n", "2\n"], new[] { "total", "ignored", "failed", "delayed", "recovered" }.Select(n => mf.ReadNodeStat(0, n)));
        Assert.Equal(["1\n", "0\n", "1\n"], new[] { "total", "ignored", "recovered" }.Select(n => mf.ReadNodeStat(1, n)));
        Assert.Equal(
        [
            $"pfn {Printf.HashLx(free.Pfn)}: recovery action for free buddy page: Recovered",
            $"pfn {Printf.HashLx(anon.Pfn)}: recovery action for dirty LRU page: Recovered",
            $"pfn {Printf.HashLx(slab.Pfn)}: recovery action for get hwpoison page: Ignored",
            $"pfn {Printf.HashLx(node1)}: recovery action for free buddy page: Recovered",
        ], mf.Events.Select(e => e.ToString()));
        Assert.Equal([15, 12, 4, 15], mf.Events.Select(e => e.TypeValue));
    }

    [Fact]
    public void PerNodeStatsOff_TheFilesDoNotExist()
    {
        var m = TestMachine.Boot(HwpoisonOptions.V617 with { PerNodeStats = false });

        m.MemoryFailure(m.Target(TargetPageKind.FreeBuddy).Pfn, MfFlags.None);

        Assert.Null(m.Mf().ReadNodeStat(0, "total"));
        Assert.Equal(1, m.Mf().NumPoisonedPages);
    }

    [Fact]
    public void AlreadyPoisoned_V617_PrintsTheLineAndCountsAgain()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);
        m.MemoryFailure(t.Pfn, MfFlags.None);

        Assert.Equal(-Errno.EHWPOISON, m.MemoryFailure(t.Pfn, MfFlags.None));

        var pfn = Printf.HashLx(t.Pfn);
        Assert.Equal([$"Memory failure: {pfn}: already hardware poisoned", $"Memory failure: {pfn}: recovery action for already poisoned: Failed"], m.Texts().TakeLast(2));
        Assert.Equal(2, m.Mf().NumPoisonedPages);
        Assert.Equal("1\n", m.Mf().ReadNodeStat(0, "failed"));
    }

    [Fact]
    public void AlreadyPoisoned_MmNext_OnlyTheActionResultAndNotCounted()
    {
        var m = TestMachine.Boot(HwpoisonOptions.MmNext);
        var t = m.Target(TargetPageKind.AnonDirty);
        m.MemoryFailure(t.Pfn, MfFlags.None);

        Assert.Equal(-Errno.EHWPOISON, m.MemoryFailure(t.Pfn, MfFlags.None));

        Assert.Equal($"Memory failure: {Printf.HashLx(t.Pfn)}: recovery action for already poisoned page: Failed", m.Texts()[^1]);
        Assert.Equal(1, m.Mf().NumPoisonedPages);
        Assert.Equal("1\n", m.Mf().ReadNodeStat(0, "total"));
        Assert.Equal(2, m.Mf().Events.Count);
    }

    [Fact]
    public void AlreadyPoisoned_ActionRequired_TheConsumerGetsARAtTheHwpoisonEntry()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);
        m.MemoryFailure(t.Pfn, MfFlags.None);

        Assert.Equal(-Errno.EHWPOISON, m.MemoryFailure(t.Pfn, MfFlags.ActionRequired, current: t.Owner));

        Assert.Equal([new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, t.Address!.Value, 12)], t.Owner!.Pending);
    }

    [Fact]
    public void AlreadyPoisoned_ActionRequiredByATaskThatDoesNotMapIt_ReturnsZero()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.FileClean);
        m.MemoryFailure(t.Pfn, MfFlags.None);

        Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.ActionRequired, current: t.Owner));

        Assert.Empty(t.Owner!.Pending);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 3)]
    public void AlreadyPoisonedHugeSubpage_KillAccessingProcessMatchesPerVersion(bool mmNext, int signals)
    {
        var m = TestMachine.Boot(mmNext ? HwpoisonOptions.MmNext : HwpoisonOptions.V617, hugepages2M: 1);
        var t = m.Target(TargetPageKind.HugetlbFile, subpage: 3);
        m.MemoryFailure(t.Pfn, MfFlags.None);

        var ret = m.MemoryFailure(t.Pfn, MfFlags.ActionRequired, current: t.Owner);

        Assert.Equal(signals == 0 ? 0 : -Errno.EHWPOISON, ret);
        if (signals != 0)
        {
            Assert.Equal([new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, t.Address!.Value, 21)], t.Owner!.Pending);
        }
        else
        {
            Assert.Empty(t.Owner!.Pending);
        }
    }
}
