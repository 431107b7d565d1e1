using KernelModel.Mm;

namespace KernelModel.Hwpoison.Tests;

/// <summary>memory_failure_queue(): per-CPU 16-entry fifos, the overflow message, and the worker in virtual time.</summary>
public sealed class MemoryFailureQueueTests
{
    [Fact]
    public void Queue_DoesNothingUntilTheWorkerRuns()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);

        m.Mf().MemoryFailureQueue(t.Pfn, MfFlags.None);

        Assert.False(t.Page.IsHwpoison);
        Assert.Equal([(t.Pfn, MfFlags.None)], m.Mf().Queue.Pending(0));
        Assert.True(m.Mf().Queue.HasPendingWork);
    }

    [Fact]
    public void RunPending_TheKworkerDrainsAfterTheLatencyInVirtualTime()
    {
        var m = TestMachine.Boot(HwpoisonOptions.V617 with { WorkerLatency = TimeSpan.FromMicroseconds(250) });
        m.Sysctl.Set("vm.memory_failure_early_kill", "1");
        var t = m.Target(TargetPageKind.AnonDirty);
        using (m.CurrentCpu.Enter(t.Owner, CpuMode.Kernel))
        {
            m.Mf().MemoryFailureQueue(t.Pfn, MfFlags.None);
        }

        var run = m.Run(m.Mf().Queue.RunPending);

        Assert.Equal(1, run.Value);
        Assert.True(t.Page.IsHwpoison);
        Assert.Equal(250_000, m.Clock.Nanoseconds);
        Assert.Equal(250_000, m.Log.Lines[^1].Nanoseconds);
        Assert.Contains(m.Tasks.All, task => task.Comm == "kworker/0:1" && task.IsKthread);
        Assert.Equal(Signals.BUS_MCEERR_AO, Assert.Single(t.Owner!.Pending).Code);
        Assert.False(m.Mf().Queue.HasPendingWork);
    }

    [Fact]
    public void SeventeenthEntryOnOneCpu_IsDroppedWithBufferOverflow()
    {
        var m = TestMachine.Boot();
        var mf = m.Mf();

        for (ulong i = 0; i < 17; i++)
        {
            mf.MemoryFailureQueue(0x10000 + i, MfFlags.None);
        }

        Assert.Equal(16, mf.Queue.Pending(0).Count);
        Assert.Equal(1, mf.Queue.Dropped);
        Assert.Equal(["Memory failure: buffer overflow when queuing memory failure at 0x10010"], m.Texts());
        Assert.Equal(16, m.Run(mf.Queue.RunPending).Value);
        Assert.False(m.Memory.PfnToPage(0x10010).IsHwpoison);
        Assert.True(m.Memory.PfnToPage(0x1000f).IsHwpoison);
    }

    [Fact]
    public void EachCpuHasItsOwnFifo()
    {
        var m = TestMachine.Boot(cpus: 2);
        var mf = m.Mf();

        for (ulong i = 0; i < 16; i++)
        {
            mf.MemoryFailureQueue(0x10000 + i, MfFlags.None);
        }

        m.CurrentCpuId = 1;
        mf.MemoryFailureQueue(0x20000, MfFlags.None);
        m.CurrentCpuId = 0;

        Assert.Equal(0, mf.Queue.Dropped);
        Assert.Equal([(0x20000UL, MfFlags.None)], mf.Queue.Pending(1));
        Assert.Equal(17, m.Run(mf.Queue.RunPending).Value);
        Assert.Contains(m.Tasks.All, task => task.Comm == "kworker/1:1");
    }

    [Fact]
    public void SoftOfflineEntry_GoesToSoftOfflinePage()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.FreeBuddy);

        m.Mf().MemoryFailureQueue(t.Pfn, MfFlags.SoftOffline);
        m.Run(m.Mf().Queue.RunPending);

        Assert.True(t.Page.IsHwpoison);
        Assert.Empty(m.Mf().Events);
        Assert.Equal(1, m.Mf().NumPoisonedPages);
    }
}
