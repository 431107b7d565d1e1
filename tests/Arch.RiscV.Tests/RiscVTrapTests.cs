using Moq;

namespace KernelModel.Arch.RiscV.Tests;

/// <summary>RISC-V's trap paths: fixup on any entry, die() in NMI context, the page-fault path, user consumption.</summary>
public sealed class RiscVTrapTests
{
    private static readonly CodeSite UserLoad = new("victim", "ld a0, 0(a1)", SiteAccess.Load);

    [Fact]
    public void CopyMcToKernel_StoreToAnUnmappedKernelDestination_IsASilentNonZeroReturnNotAnOops()
    {
        // The review finding (reference §5.5): memcpy_mc's stores carry entries too, and no_context() tries
        // fixup_exception() before it oopses, so a bad kernel destination only shows up as a return value.
        var m = RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv64);
        var task = m.Tasks.CreateProcess("writer");
        var src = m.Allocator.AllocFolio(0)!.Value;
        var badDst = m.Arch.PageOffset + m.Memory.Size + 0x1000;

        KernelRun<ulong> run;
        using (m.CurrentCpu.Enter(task, CpuMode.Kernel))
        {
            run = m.Run(() => m.Arch.CopyMc.CopyMcToKernel(badDst, m.PageAddress(src.Head), 256));
        }

        Assert.True(run.Completed);
        Assert.Equal(256UL, run.Value);
        var trap = Assert.Single(m.Traps);
        Assert.Equal(TrapKind.PageFault, trap.Kind);
        Assert.Equal(MemcpyMc.Sites.BulkStore[0], trap.Site);
        Assert.Equal(TrapOutcome.Fixup, trap.Outcome);
        Assert.Empty(m.Log.Lines);
        Assert.True(task.IsAlive);
        Assert.Equal(0, m.OopsCount);
    }

    [Fact]
    public void Memcpy_StoreToAnUnmappedKernelDestination_OopsesAndKillsTheTask()
    {
        var m = RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv64);
        var task = m.Tasks.CreateProcess("writer");
        var src = m.Allocator.AllocFolio(0)!.Value;
        var badDst = m.Arch.PageOffset + m.Memory.Size + 0x1000;
        var memcpy = m.Arch.CopyRoutines.Single(r => r.Name == "memcpy");

        KernelRun<long> run;
        using (m.CurrentCpu.Enter(task, CpuMode.Kernel))
        {
            run = m.Run(() => memcpy.Invoke(badDst, m.PageAddress(src.Head), 256));
        }

        Assert.True(run.Died);
        Assert.False(run.Panicked);
        Assert.Equal(
            ["Unable to handle kernel paging request at virtual address ffffffd640001000", "Oops [#1]"],
            m.Log.Lines.Select(l => l.Text));
        Assert.Equal(LogLevel.Alert, m.Log.Lines[0].Level);
        Assert.Equal(Signals.SIGSEGV, task.ExitSignal);
        Assert.Equal(Memcpy.Sites.BulkStore[0], Assert.Single(m.Traps).Site);
    }

    [Fact]
    public void Memcpy_NullDestinationOnRv32_ReportsANullPointerDereferenceWithRv32RegFmt()
    {
        var m = RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv32);
        var task = m.Tasks.CreateProcess("writer");
        var src = m.Allocator.AllocFolio(0)!.Value;
        var memcpy = m.Arch.CopyRoutines.Single(r => r.Name == "memcpy");

        using (m.CurrentCpu.Enter(task, CpuMode.Kernel))
        {
            m.Run(() => memcpy.Invoke(16, m.PageAddress(src.Head), 8));
        }

        Assert.Equal("Unable to handle kernel NULL pointer dereference at virtual address 00000010", m.Log.Lines[0].Text);
    }

    [Fact]
    public void HardwareError_KernelSiteWithoutEntryOnAnOlderKernel_OopsesWithoutPanic()
    {
        var m = RiscVMachines.Boot(RiscVOptions.Riscv64Upstream with { KernelTrapsEnterNmi = false });
        var task = m.Tasks.CreateProcess("reader");
        var (src, dst) = (m.Allocator.AllocFolio(0)!.Value, m.Allocator.AllocFolio(0)!.Value);
        m.Memory.InjectPoison(src.Head.PhysAddr + 100);

        KernelRun<ulong> run;
        using (m.CurrentCpu.Enter(task, CpuMode.Kernel))
        {
            run = m.Run(() => m.Arch.CopyMc.CopyMcToKernel(m.PageAddress(dst.Head), m.PageAddress(src.Head), 4096));
        }

        Assert.True(run.Died);
        Assert.False(run.Panicked);
        Assert.Equal(["Oops - load access fault [#1]"], m.Log.Lines.Select(l => l.Text));
        Assert.Equal(Signals.SIGSEGV, task.ExitSignal);
    }

    [Fact]
    public void HardwareError_OlderKernelWithPanicOnOops_PanicsWithFatalException()
    {
        var m = RiscVMachines.Boot(RiscVOptions.Riscv64Upstream with { KernelTrapsEnterNmi = false });
        m.Sysctl.Set("kernel.panic_on_oops", "1");
        var (src, dst) = (m.Allocator.AllocFolio(0)!.Value, m.Allocator.AllocFolio(0)!.Value);
        m.Memory.InjectPoison(src.Head.PhysAddr);

        var run = m.Run(() => m.Arch.CopyMc.CopyMcToKernel(m.PageAddress(dst.Head), m.PageAddress(src.Head), 64));

        Assert.True(run.Panicked);
        Assert.Equal("Fatal exception", m.PanicMessage);
    }

    [Fact]
    public void HardwareError_DeliveredAsHardwareErrorException_DiesThroughDoTrapUnknown()
    {
        var m = RiscVMachines.Boot(RiscVOptions.Riscv64Upstream with { PoisonDelivery = RiscVPoisonDelivery.HardwareErrorException });
        var (src, dst) = (m.Allocator.AllocFolio(0)!.Value, m.Allocator.AllocFolio(0)!.Value);
        m.Memory.InjectPoison(src.Head.PhysAddr);

        var run = m.Run(() => m.Arch.CopyMc.CopyMcToKernel(m.PageAddress(dst.Head), m.PageAddress(src.Head), 64));

        Assert.True(run.Panicked);
        Assert.Equal("Oops - unknown exception [#1]", m.Log.Lines[0].Text);
        Assert.Equal("Fatal exception in interrupt", m.PanicMessage);
    }

    [Fact]
    public void HardwareError_DeliveredAsHardwareErrorException_IsStillFixedUpInMemcpyMc()
    {
        var m = RiscVMachines.Boot(RiscVOptions.Riscv64 with { PoisonDelivery = RiscVPoisonDelivery.HardwareErrorException });
        var (src, dst) = (m.Allocator.AllocFolio(0)!.Value, m.Allocator.AllocFolio(0)!.Value);
        m.Memory.InjectPoison(src.Head.PhysAddr + 2048);

        var run = m.Run(() => m.Arch.CopyMc.CopyMcToKernel(m.PageAddress(dst.Head), m.PageAddress(src.Head), 4096));

        Assert.Equal(4096UL, run.Value);
        Assert.Equal(TrapOutcome.Fixup, Assert.Single(m.Traps).Outcome);
    }

    [Fact]
    public void HardwareError_UserMode_RunsMemoryFailureActionRequiredAndNothingElseWhenItRecovers()
    {
        var mf = new Mock<IMemoryFailure>();
        mf.Setup(x => x.MemoryFailure(It.IsAny<ulong>(), It.IsAny<MfFlags>())).Returns(0);
        var m = RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv64, memoryFailure: _ => mf.Object);
        var (task, va, pfn) = MapPoisonedUserPage(m);

        AccessResult result;
        using (m.CurrentCpu.Enter(task, CpuMode.User))
        {
            result = m.CurrentCpu.Load(UserLoad, va + 8, new byte[8]);
        }

        Assert.Equal(AccessResult.UserTrapped, result);
        mf.Verify(x => x.MemoryFailure(pfn, MfFlags.ActionRequired), Times.Once);
        mf.VerifyNoOtherCalls();
        Assert.Empty(task.Pending);
        Assert.Equal($"memory_failure({Printf.HashLx(pfn)}, MF_ACTION_REQUIRED) = 0", Assert.Single(m.Traps).Detail);
    }

    [Fact]
    public void HardwareError_UserModeWithoutMemoryFailure_ForcesSigbusAsGhesDoes()
    {
        var m = RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv64);
        var (task, va, pfn) = MapPoisonedUserPage(m);

        using (m.CurrentCpu.Enter(task, CpuMode.User))
        {
            m.CurrentCpu.Load(UserLoad, va, new byte[1]);
        }

        Assert.Equal(new SigInfo(Signals.SIGBUS, Signals.SI_KERNEL), Assert.Single(task.Pending));
        Assert.Equal($"{Printf.HashLx(pfn)}: Sending SIGBUS to victim:{task.Pid} due to hardware memory corruption", Assert.Single(m.Log.Lines).Text);
        Assert.Equal(LogLevel.Err, m.Log.Lines[0].Level);
    }

    [Fact]
    public void IsRecoverable_AnyEntryOfTheTable_IsTrueAndASiteOutsideItIsFalse()
    {
        var m = RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv64);

        Assert.All(m.Arch.Extable.Entries, e => Assert.True(m.Arch.Trap.IsRecoverable(e)));
        Assert.False(m.Arch.Trap.IsRecoverable(RiscVAsmExtable.Entry(Memcpy.Sites.LeadLoad, "none")));
    }

    [Fact]
    public void RiscVTrap_ConstructedWithAnotherTable_FixesUpThatTablesSitesWhateverTheirType()
    {
        var m = RiscVMachines.Boot(RiscVServiceCollectionExtensions.Riscv64Upstream);
        var site = new CodeSite("other", "lw", SiteAccess.Load);
        var table = new ExceptionTable([new ExtableEntry(site, "EX_TYPE_UACCESS_ERR_ZERO", (int)RiscVExtableType.ExTypeUaccessErrZero, "1f")]);
        var trap = new RiscVTrap(m, table);

        var decision = trap.HardwareError(m.CurrentCpu, new HardwareErrorEvent(site, m.PhysToVirt(0x10_0000), 0x10_0000, CpuMode.Kernel));

        Assert.Equal(TrapOutcome.Fixup, decision.Outcome);
        Assert.Equal("extable EX_TYPE_UACCESS_ERR_ZERO -> 1f", decision.Detail);
    }

    private static (TaskStruct Task, ulong Va, ulong Pfn) MapPoisonedUserPage(Machine m)
    {
        var task = m.Tasks.CreateProcess("victim");
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        var folio = m.Allocator.AllocFolio(0)!.Value;
        task.Mm.PageTable.Set(vma.Start, Pte.Present(folio.Pfn, write: true));
        m.Memory.InjectPoison(folio.Head.PhysAddr);
        return (task, vma.Start, folio.Pfn);
    }
}
