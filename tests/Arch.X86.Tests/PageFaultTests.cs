using KernelModel.Mm;

namespace KernelModel.Arch.X86.Tests;

/// <summary>
/// Kernel-mode page faults: fixup_exception does not look at the trap number, so a bad pointer inside the
/// copy_mc routines is fixed up like poison; without an entry the x86 oops lines are printed.
/// </summary>
public sealed class PageFaultTests
{
    private static KernelRun<T> InKernel<T>(Machine m, TaskStruct task, Func<T> path)
    {
        using (m.CurrentCpu.Enter(task, CpuMode.Kernel))
        {
            return m.Run(path);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CopyMcToKernel_BadKernelSourcePointer_IsFixedUpNotOopsed(bool fragile)
    {
        var m = X86Machines.Boot(new X86Options { FragileQuirk = fragile });
        var task = m.Tasks.CreateProcess("reader");
        var dst = m.PageAddress(m.Allocator.AllocFolio(0)!.Value.Head);

        var run = InKernel(m, task, () => m.Arch.CopyMc.CopyMcToKernel(dst, m.Arch.PageOffset + (2UL << 30), 64));

        Assert.Equal(64UL, run.Value);
        var trap = Assert.Single(m.Traps);
        Assert.Equal((TrapKind.PageFault, TrapOutcome.Fixup), (trap.Kind, trap.Outcome));
        Assert.Equal(0, m.OopsCount);
        Assert.Empty(m.Console());
    }

    [Fact]
    public void Memcpy_BadKernelPointer_PrintsTheX86OopsAndKillsTheTask()
    {
        var m = X86Machines.Boot();
        var task = m.Tasks.CreateProcess("reader");
        var dst = m.PageAddress(m.Allocator.AllocFolio(0)!.Value.Head);

        var run = InKernel(m, task, () =>
        {
            m.X86().X86CopyMc.Memcpy.Copy(dst, 0xffff_8880_8000_0000, 64);
            return 0;
        });

        Assert.True(run.Died);
        Assert.False(run.Panicked);
        Assert.Equal(
            [
                "BUG: unable to handle page fault for address: ffff888080000000",
                "#PF: supervisor read access in kernel mode",
                "#PF: error_code(0x0000) - not-present page",
                "Oops: Oops: 0000 [#1] SMP NOPTI",
            ],
            m.Console());
        Assert.Equal(LogLevel.Alert, m.Log.Lines[0].Level);
        Assert.False(task.IsAlive);
    }

    [Fact]
    public void Memcpy_NullPointer_PrintsTheNullDereferenceLine()
    {
        var m = X86Machines.Boot();
        var task = m.Tasks.CreateProcess("reader");

        InKernel(m, task, () =>
        {
            m.X86().X86CopyMc.Memcpy.Copy(m.PageAddress(m.Allocator.AllocFolio(0)!.Value.Head), 0x10, 8);
            return 0;
        });

        Assert.Equal("BUG: kernel NULL pointer dereference, address: 0000000000000010", m.Console()[0]);
    }

    [Fact]
    public void Memcpy_WriteToAReadOnlyUserPage_PrintsAPermissionsViolation()
    {
        var m = X86Machines.Boot();
        var (task, uaddr, frame) = X86Machines.UserPages(m);
        task.Mm!.PageTable.Set(uaddr, Pte.Present(frame.Pfn, write: false));
        var src = m.PageAddress(m.Allocator.AllocFolio(0)!.Value.Head);

        InKernel(m, task, () =>
        {
            m.X86().X86CopyMc.Memcpy.Copy(uaddr, src, 8);
            return 0;
        });

        Assert.Equal(
            ["#PF: supervisor write access in kernel mode", "#PF: error_code(0x0003) - permissions violation", "Oops: Oops: 0003 [#1] SMP NOPTI"],
            m.Console()[1..]);
    }

    [Fact]
    public void Memcpy_BadPointerWithPanicOnOops_PanicsFatalException()
    {
        var m = X86Machines.Boot();
        m.Sysctl.Set("kernel.panic_on_oops", "1");
        var task = m.Tasks.CreateProcess("reader");

        var run = InKernel(m, task, () =>
        {
            m.X86().X86CopyMc.Memcpy.Copy(m.PageAddress(m.Allocator.AllocFolio(0)!.Value.Head), 0xffff_8880_8000_0000, 64);
            return 0;
        });

        Assert.Equal("Fatal exception", run.DeathMessage);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void CopyMcToUser_DestinationPageMissing_ReturnsTheExactRemainder(bool fragile, bool fsrmOnly)
    {
        // 100 bytes to 20 bytes before an unmapped page. Fragile: the word store crossing into it faults,
        // .E_write_words hands ecx*8+edx = 84 to copy_mc_fragile_handle_tail, which stores 4 more bytes.
        // ERMS: rep movsb stops at the page boundary. Neither (copy_user_generic, FSRM): the same.
        var m = X86Machines.Boot(new X86Options { FragileQuirk = fragile, Erms = !fsrmOnly });
        var (task, uaddr, _) = X86Machines.UserPages(m, 2);
        task.Mm!.PageTable.Clear(uaddr + PhysicalMemory.PageSize);
        var src = m.PageAddress(m.Allocator.AllocFolio(0)!.Value.Head);

        var run = InKernel(m, task, () => m.Arch.CopyMc.CopyMcToUser(uaddr + PhysicalMemory.PageSize - 20, src, 100));

        Assert.Equal(80UL, run.Value);
        Assert.All(m.Traps, t => Assert.Equal((TrapKind.PageFault, TrapOutcome.Fixup), (t.Kind, t.Outcome)));
        Assert.Equal(0, m.OopsCount);
    }
}
