using KernelModel.Mm;

namespace KernelModel.Hwpoison.Tests;

/// <summary>Whole console outputs in the kernel's formats, compared with golden text under Golden/.</summary>
public sealed class ConsoleGoldenTests
{
    private static readonly CodeSite UserLoad = new("user", "ldr", SiteAccess.Load);

    [Fact]
    public void QueuedDirtyAnonPage_EarlyKill()
    {
        var m = TestMachine.Boot();
        m.Sysctl.Set("vm.memory_failure_early_kill", "1");
        var t = m.Target(TargetPageKind.AnonDirty, extraMappers: 1);
        m.Clock.Advance(TimeSpan.FromSeconds(12.5));

        m.Mf().MemoryFailureQueue(t.Pfn, MfFlags.None);
        m.Run(m.Mf().Queue.RunPending);

        Golden.Assert("queued-dirty-anon-early-kill", m.Dmesg());
    }

    [Fact]
    public void MadviseHwpoisonThenAgain_V617()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);
        var other = m.Target(TargetPageKind.AnonDirty);
        t.Owner!.Capabilities.Add(Capability.SysAdmin);

        m.Run(() => MadviseInjectError.Madvise(m, t.Owner, t.Address!.Value, 4096, MadviseInjectError.MadvHwpoison));
        m.Clock.Advance(TimeSpan.FromMilliseconds(3));
        m.MemoryFailure(t.Pfn, MfFlags.ActionRequired, current: other.Owner);

        Golden.Assert("madvise-hwpoison-then-again-v6.17", m.Dmesg());
    }

    [Fact]
    public void SecondReport_MmNext()
    {
        var m = TestMachine.Boot(HwpoisonOptions.MmNext);
        var t = m.Target(TargetPageKind.FileClean);

        m.MemoryFailure(t.Pfn, MfFlags.ActionRequired, current: t.Owner);
        m.MemoryFailure(t.Pfn, MfFlags.ActionRequired, current: t.Owner);

        Golden.Assert("clean-file-twice-mm-next", m.Dmesg());
    }

    [Fact]
    public void GhesSeaOnAUserLoad()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);
        m.Clock.Advance(TimeSpan.FromSeconds(100));

        using (m.CurrentCpu.Enter(t.Owner, CpuMode.User))
        {
            m.Ghes.NotifySea(m.CurrentCpu, new HardwareErrorEvent(UserLoad, t.Address!.Value + 0x208, t.PhysAddr + 0x208, CpuMode.User), true);
        }

        m.Clock.Advance(TimeSpan.FromMicroseconds(5));
        m.ReturnToUser(t.Owner!);

        Golden.Assert("ghes-sea-user-load", m.Dmesg());
    }

    [Fact]
    public void QueueOverflow()
    {
        var m = TestMachine.Boot();
        for (ulong i = 0; i < 18; i++)
        {
            m.Mf().MemoryFailureQueue(0x8000 + i, MfFlags.None);
        }

        m.Run(m.Mf().Queue.RunPending);

        Golden.Assert("queue-overflow", m.Dmesg());
    }

    [Fact]
    public void InjectUnpoisonAndSoftOffline()
    {
        var m = TestMachine.Boot();
        var root = m.Tasks.CreateProcess("root");
        root.Capabilities.Add(Capability.SysAdmin);
        var inject = new HwpoisonInject(m);
        var t = m.Target(TargetPageKind.AnonDirty);
        var file = m.Target(TargetPageKind.FileDirty);

        m.Run(() => inject.Write(root, "corrupt-pfn", Printf.HashLx(t.Pfn)));
        m.Run(() => inject.Write(root, "unpoison-pfn", Printf.HashLx(t.Pfn)));
        m.Run(() => inject.Write(root, "unpoison-pfn", Printf.HashLx(t.Pfn)));
        m.Run(() => MemoryOffline.Store(m, root, "soft_offline_page", Printf.HashLx(file.PhysAddr)));
        m.Run(() => MemoryOffline.Store(m, root, "soft_offline_page", Printf.HashLx(file.PhysAddr)));
        m.Run(() => MemoryOffline.Store(m, root, "hard_offline_page", Printf.HashLx(file.PhysAddr)));

        Golden.Assert("inject-unpoison-soft-offline", m.Dmesg());
    }

    [Fact]
    public void HugetlbEarlyKillAndTheTraceEvents()
    {
        var m = TestMachine.Boot(hugepages2M: 1);
        m.Sysctl.Set("vm.memory_failure_early_kill", "1");
        var t = m.Target(TargetPageKind.HugetlbAnon, subpage: 17, extraMappers: 1);

        m.MemoryFailure(t.Pfn, MfFlags.None);
        m.MemoryFailure(t.Pfn + 1, MfFlags.None);

        var trace = string.Concat(m.Mf().Events.Select(e => e + "\n"));
        Golden.Assert("hugetlb-early-kill", m.Dmesg() + "--- ras:memory_failure_event\n" + trace);
    }
}
