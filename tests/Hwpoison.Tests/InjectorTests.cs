using KernelModel.Mm;

namespace KernelModel.Hwpoison.Tests;

/// <summary>The injection interfaces with their permission checks, flags and messages.</summary>
public sealed class InjectorTests
{
    private static TaskStruct Admin(TaskStruct t)
    {
        t.Capabilities.Add(Capability.SysAdmin);
        return t;
    }

    private static int Madvise(Machine m, TaskStruct caller, ulong start, ulong len, int behavior) =>
        m.Run(() => MadviseInjectError.Madvise(m, caller, start, len, behavior)).Value;

    [Fact]
    public void MadvHwpoison_WithoutCapSysAdmin_Eperm()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);

        Assert.Equal(-Errno.EPERM, Madvise(m, t.Owner!, t.Address!.Value, 4096, MadviseInjectError.MadvHwpoison));
        Assert.Equal(-Errno.EPERM, Madvise(m, t.Owner!, t.Address!.Value, 4096, MadviseInjectError.MadvSoftOffline));

        Assert.False(t.Page.IsHwpoison);
        Assert.Empty(m.Log.Lines);
    }

    [Fact]
    public void MadvHwpoison_Since2024_TheCallerGetsARAsTheSyscallReturns()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);
        var caller = Admin(t.Owner!);

        Assert.Equal(0, Madvise(m, caller, t.Address!.Value, 4096, MadviseInjectError.MadvHwpoison));

        var pfn = Printf.HashLx(t.Pfn);
        Assert.Equal(
        [
            $"Injecting memory failure for pfn {pfn} at process virtual address {Printf.HashLx(t.Address.Value)}",
            $"Memory failure: {pfn}: Sending SIGBUS to victim:{caller.Pid} due to hardware memory corruption",
            $"Memory failure: {pfn}: recovery action for dirty LRU page: Recovered",
        ], m.Texts());
        Assert.Equal([new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, t.Address.Value, 12)], caller.Pending);
        m.ReturnToUser(caller);
        Assert.Equal(TaskExitState.Killed, caller.ExitState);
        Assert.Equal(1, t.Page.RefCount);
        Assert.False(m.Mf().HwMemoryFailure);
    }

    [Fact]
    public void MadvHwpoison_Before2024_TheCallerIsALateKillMapper()
    {
        var m = TestMachine.Boot(HwpoisonOptions.V617 with { MadvHwpoisonActionRequired = false });
        var t = m.Target(TargetPageKind.AnonDirty);
        var caller = Admin(t.Owner!);

        Assert.Equal(0, Madvise(m, caller, t.Address!.Value, 4096, MadviseInjectError.MadvHwpoison));

        Assert.Empty(caller.Pending);
        Assert.Equal(Pte.HwpoisonEntry(t.Pfn), caller.PteAt(t.Address.Value));
    }

    [Fact]
    public void MadvHwpoison_RangeOverAThp_OnlyItsFirstPageIsPoisoned()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonThp);
        var caller = Admin(t.Owner!);

        Assert.Equal(0, Madvise(m, caller, t.Address!.Value, 2UL << 20, MadviseInjectError.MadvHwpoison));

        Assert.Single(m.Texts(), l => l.StartsWith("Injecting memory failure", StringComparison.Ordinal));
        Assert.True(t.Page.IsHwpoison);
        Assert.False(m.Memory.PfnToPage(t.Pfn + 1).IsHwpoison);
    }

    [Theory]
    [InlineData(0x123UL, 4096UL, -Errno.EINVAL)]
    [InlineData(0UL, 0UL, 0)]
    [InlineData(0UL, ulong.MaxValue, -Errno.EINVAL)]
    public void MadvHwpoison_BadRanges(ulong offset, ulong len, int expected)
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);

        Assert.Equal(expected, Madvise(m, Admin(t.Owner!), t.Address!.Value + offset, len, MadviseInjectError.MadvHwpoison));
    }

    [Fact]
    public void MadvHwpoison_OfTheZeroPage_IsAReservedKernelPage_Ebusy()
    {
        var m = TestMachine.Boot();
        var t = Admin(m.Tasks.CreateProcess("reader"));
        var vma = t.Mm!.Mmap(4096, VmFlags.Read | VmFlags.Write | VmFlags.Nohugepage);
        m.Run(() => UserAccess.Read(m, t, vma.Start, new byte[8]));

        Assert.Equal(-Errno.EBUSY, Madvise(m, t, vma.Start, 4096, MadviseInjectError.MadvHwpoison));

        Assert.Contains(m.Log.Lines, l => l.Text.EndsWith(": recovery action for reserved kernel page: Ignored", StringComparison.Ordinal));
        Assert.DoesNotContain(m.Log.Lines, l => l.Text.Contains("unhandlable", StringComparison.Ordinal));
    }

    [Fact]
    public void CorruptPfn_SecondTime_LineOnlyReport_PrintsOneLineAndCountsNothing()
    {
        var m = TestMachine.Boot();
        var mf = MemoryFailureHandler.Of(m)!;
        mf.Options = HwpoisonOptions.Parse("v6.17", ["already-poisoned-report=line-only"]);
        var t = m.Target(TargetPageKind.AnonDirty);
        var writer = Admin(t.Owner!);
        var inject = new HwpoisonInject(m);
        Assert.Equal(0, m.Run(() => inject.Write(writer, "corrupt-pfn", Printf.HashLx(t.Pfn))).Value);
        var lines = m.Log.Lines.Count;

        Assert.Equal(-Errno.EHWPOISON, m.Run(() => inject.Write(writer, "corrupt-pfn", Printf.HashLx(t.Pfn))).Value);

        Assert.Equal(
            ["Injecting memory failure at pfn " + Printf.HashLx(t.Pfn), "Memory failure: " + Printf.HashLx(t.Pfn) + ": already hardware poisoned"],
            m.Log.Lines.Skip(lines).Select(l => l.Text));
        Assert.Equal(4, mf.HardwareCorruptedKb);
    }

    [Fact]
    public void MadvHwpoison_UnmappedAddress_Efault()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);

        Assert.Equal(-Errno.EFAULT, Madvise(m, Admin(t.Owner!), 0x1000, 4096, MadviseInjectError.MadvHwpoison));
    }

    [Fact]
    public void MadvSoftOffline_LogsAndMigrates()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);

        Assert.Equal(0, Madvise(m, Admin(t.Owner!), t.Address!.Value, 4096, MadviseInjectError.MadvSoftOffline));

        Assert.Equal($"Soft offlining pfn {Printf.HashLx(t.Pfn)} at process virtual address {Printf.HashLx(t.Address.Value)}", m.Texts()[0]);
        Assert.NotEqual(t.Pfn, t.Owner!.PteAt(t.Address.Value).Pfn);
        Assert.True(t.Page.IsHwpoison);
        Assert.Equal(1, t.Page.RefCount);
    }

    [Fact]
    public void MadvHwpoison_WithoutMemoryFailure_Einval()
    {
        var m = new Machine(new MachineConfig { MemoryBytes = 1UL << 30 }, mm => new GenericArchitecture(mm));
        var task = Admin(m.Tasks.CreateProcess("p"));

        Assert.Equal(-Errno.EINVAL, MadviseInjectError.Madvise(m, task, 0x10000, 4096, MadviseInjectError.MadvHwpoison));
    }

    [Fact]
    public void CorruptPfn_NeedsCapSysAdminAndAValidPfn()
    {
        var m = TestMachine.Boot();
        var inject = new HwpoisonInject(m);
        var user = m.Tasks.CreateProcess("user");
        var root = Admin(m.Tasks.CreateProcess("root"));

        Assert.Equal(-Errno.EPERM, inject.Write(user, "corrupt-pfn", "0x2000"));
        Assert.Equal(-Errno.EPERM, inject.Write(user, "unpoison-pfn", "0x2000"));
        Assert.Equal(-Errno.ENXIO, inject.Write(root, "corrupt-pfn", "0x40000"));
        Assert.Equal(-Errno.EINVAL, inject.Write(root, "corrupt-pfn", "0x20zz"));
        Assert.Equal(-Errno.ENOENT, inject.Write(root, "corrupt-filter-memcg", "1"));
        Assert.Empty(m.Log.Lines);
    }

    [Fact]
    public void CorruptPfnThenUnpoisonPfn_RoundTrip()
    {
        var m = TestMachine.Boot();
        var inject = new HwpoisonInject(m);
        var root = Admin(m.Tasks.CreateProcess("root"));
        var t = m.Target(TargetPageKind.AnonDirty);

        Assert.Equal(0, m.Run(() => inject.Write(root, "corrupt-pfn", Printf.HashLx(t.Pfn) + "\n")).Value);
        Assert.True(t.Page.IsHwpoison);
        Assert.Equal(0, m.Run(() => inject.Write(root, "unpoison-pfn", t.Pfn.ToString(System.Globalization.CultureInfo.InvariantCulture))).Value);

        Assert.False(t.Page.IsHwpoison);
        Assert.Equal($"Injecting memory failure at pfn {Printf.HashLx(t.Pfn)}", m.Texts()[0]);
        Assert.Equal($"Unpoison: {Printf.HashLx(t.Pfn)}: software-unpoisoned page", m.Texts()[^1]);
    }

    [Fact]
    public void FilterByKpageflags_OnlyMatchingPagesAreInjected()
    {
        var m = TestMachine.Boot();
        var inject = new HwpoisonInject(m);
        var root = Admin(m.Tasks.CreateProcess("root"));
        var anon = m.Target(TargetPageKind.AnonDirty);
        var file = m.Target(TargetPageKind.FileClean);
        inject.Write(root, "corrupt-filter-enable", "1");
        inject.Write(root, "corrupt-filter-flags-mask", "0x1000");
        inject.Write(root, "corrupt-filter-flags-value", "0x1000");

        Assert.Equal(0, m.Run(() => inject.Write(root, "corrupt-pfn", Printf.HashLx(file.Pfn))).Value);
        Assert.Equal(0, m.Run(() => inject.Write(root, "corrupt-pfn", Printf.HashLx(anon.Pfn))).Value);

        Assert.False(file.Page.IsHwpoison);
        Assert.True(anon.Page.IsHwpoison);
        Assert.Equal("4096\n", inject.Read("corrupt-filter-flags-mask"));
    }

    [Fact]
    public void FilterByDevice_MemoryFailureReturnsEopnotsuppAndChangesNothing()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.FileDirty);
        var filter = m.Mf().Filter;
        filter.Enable = 1;
        filter.DevMajor = 8;
        filter.DevMinor = 2;

        Assert.Equal(-Errno.EOPNOTSUPP, m.MemoryFailure(t.Pfn, MfFlags.SwSimulated));
        Assert.False(t.Page.IsHwpoison);
        Assert.Equal(2, t.Page.RefCount);

        filter.DevMinor = 1;
        Assert.Equal(0, m.MemoryFailure(t.Pfn, MfFlags.SwSimulated));
        Assert.True(t.Page.IsHwpoison);
    }

    [Fact]
    public void SysfsOffline_NeedsCapSysAdminAndAValidAddress()
    {
        var m = TestMachine.Boot();
        var user = m.Tasks.CreateProcess("user");
        var root = Admin(m.Tasks.CreateProcess("root"));

        Assert.Equal(-Errno.EPERM, MemoryOffline.Store(m, user, "hard_offline_page", "0x2000000"));
        Assert.Equal(-Errno.EINVAL, MemoryOffline.Store(m, root, "hard_offline_page", "page"));
        Assert.Equal(-Errno.ENXIO, m.Run(() => MemoryOffline.Store(m, root, "soft_offline_page", "0x40000000")).Value);
        Assert.Equal(-Errno.ENXIO, m.Run(() => MemoryOffline.Store(m, root, "hard_offline_page", "0x40000000")).Value);
        Assert.Equal("Memory failure: 0x40000: memory outside kernel control", m.Texts()[^1]);
    }

    [Fact]
    public void SysfsHardOfflinePage_PhysicalAddressOfTheFrame_ReturnsTheCount()
    {
        var m = TestMachine.Boot();
        var root = Admin(m.Tasks.CreateProcess("root"));
        var t = m.Target(TargetPageKind.AnonDirty);
        var buf = Printf.HashLx(t.PhysAddr + 0x123) + "\n";

        Assert.Equal(buf.Length, m.Run(() => MemoryOffline.Store(m, root, "hard_offline_page", buf)).Value);

        Assert.True(t.Page.IsHwpoison);
        Assert.False(m.Mf().HwMemoryFailure);
    }

    [Fact]
    public void SysfsSoftOfflinePage_Migrates()
    {
        var m = TestMachine.Boot();
        var root = Admin(m.Tasks.CreateProcess("root"));
        var t = m.Target(TargetPageKind.FileDirty);
        var buf = Printf.HashLx(t.PhysAddr);

        Assert.Equal(buf.Length, m.Run(() => MemoryOffline.Store(m, root, "soft_offline_page", buf)).Value);

        Assert.True(t.Page.IsHwpoison);
        Assert.NotEqual(t.Pfn, t.File!.Mapping.Lookup(0)!.Value.Pfn);
    }

    [Fact]
    public void PrMceKill_SetGetClearAndErrors()
    {
        var m = TestMachine.Boot();
        var t = m.Tasks.CreateProcess("p");

        Assert.Equal((long)PrctlMceKill.PrMceKillDefault, PrctlMceKill.Prctl(t, PrctlMceKill.PrMceKillGet, 0));
        Assert.Equal(0, PrctlMceKill.Prctl(t, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillSet, PrctlMceKill.PrMceKillEarly));
        Assert.Equal(TaskFlags.MceProcess | TaskFlags.MceEarly, t.Flags);
        Assert.Equal((long)PrctlMceKill.PrMceKillEarly, PrctlMceKill.Prctl(t, PrctlMceKill.PrMceKillGet, 0));
        Assert.Equal(0, PrctlMceKill.Prctl(t, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillSet, PrctlMceKill.PrMceKillLate));
        Assert.Equal((long)PrctlMceKill.PrMceKillLate, PrctlMceKill.Prctl(t, PrctlMceKill.PrMceKillGet, 0));
        Assert.Equal(0, PrctlMceKill.Prctl(t, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillClear));
        Assert.Equal((long)PrctlMceKill.PrMceKillDefault, PrctlMceKill.Prctl(t, PrctlMceKill.PrMceKillGet, 0));

        Assert.Equal(-Errno.EINVAL, PrctlMceKill.Prctl(t, PrctlMceKill.PrMceKill, 7));
        Assert.Equal(-Errno.EINVAL, PrctlMceKill.Prctl(t, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillClear, 1));
        Assert.Equal(-Errno.EINVAL, PrctlMceKill.Prctl(t, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillSet, 1, 1));
        Assert.Equal(-Errno.EINVAL, PrctlMceKill.Prctl(t, PrctlMceKill.PrMceKillGet, 1));
        Assert.Equal(-Errno.EINVAL, PrctlMceKill.Prctl(t, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillSet, 9));
        Assert.Equal(TaskFlags.MceProcess, t.Flags);
    }

    [Fact]
    public void PrMceKill_IsInheritedByThreadsAndChildren()
    {
        var m = TestMachine.Boot();
        var t = m.Target(TargetPageKind.AnonDirty);
        PrctlMceKill.Prctl(t.Owner!, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillSet, PrctlMceKill.PrMceKillEarly);

        var thread = m.Tasks.CreateThread(t.Owner!, "thread");
        var child = new TargetPageBuilder(m).Fork(t.Owner!, "child");

        Assert.Equal((long)PrctlMceKill.PrMceKillEarly, PrctlMceKill.Prctl(thread, PrctlMceKill.PrMceKillGet, 0));
        Assert.Equal((long)PrctlMceKill.PrMceKillEarly, PrctlMceKill.Prctl(child, PrctlMceKill.PrMceKillGet, 0));
    }
}
