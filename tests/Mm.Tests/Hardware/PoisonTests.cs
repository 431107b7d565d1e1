namespace KernelModel.Mm.Tests.Hardware;

/// <summary>Hardware poison per 64-byte line, and how the memory port raises it.</summary>
public sealed class PoisonTests
{
    private static readonly CodeSite Load = new("test", "load", SiteAccess.Load);
    private static readonly CodeSite StoreSite = new("test", "store", SiteAccess.Store);

    [Theory]
    [InlineData(0x1000, 8, true)] // the line's first byte
    [InlineData(0x1038, 8, true)] // the line's last eight bytes
    [InlineData(0x103f, 1, true)] // its last byte
    [InlineData(0x0ff8, 8, false)] // the line before, ending at the boundary
    [InlineData(0x1040, 8, false)] // the line after
    [InlineData(0x0ffc, 8, true)] // straddles into the poisoned line
    [InlineData(0x103c, 8, true)] // straddles out of it
    public void RangeHasPoison_InsideAcrossAndBesideTheLine(ulong pa, ulong length, bool expected)
    {
        var memory = new PhysicalMemory(1UL << 30);
        memory.InjectPoison(0x1010);

        Assert.Equal(expected, memory.RangeHasPoison(pa, length));
    }

    [Fact]
    public void FirstPoisonedByte_IsTheStartOfTheFirstPoisonedLineInTheRange()
    {
        var memory = new PhysicalMemory(1UL << 30);
        memory.InjectPoison(0x5085);
        memory.InjectPoison(0x9000);

        Assert.Equal(0x5080UL, memory.FirstPoisonedByte(0x5000, 0x1000));
        Assert.Equal(0x5090UL, memory.FirstPoisonedByte(0x5090, 0x10));
        Assert.Equal(0x9000UL, memory.FirstPoisonedByte(0x50c0, 0x4000));
        Assert.Null(memory.FirstPoisonedByte(0x50c0, 0x3f40));
        Assert.Equal(new ulong[] { 0x5080, 0x9000 }, memory.PoisonedLineAddresses());
    }

    [Fact]
    public void ClearPoison_MakesTheLineReadableAgain()
    {
        var memory = new PhysicalMemory(1UL << 30);
        memory.InjectPoison(0x2000);
        memory.InjectPoison(0x2000);

        Assert.Equal(1, memory.PoisonedLines);
        memory.ClearPoison(0x203f);

        Assert.Equal(0, memory.PoisonedLines);
        Assert.False(memory.IsLinePoisoned(0x2000));
    }

    [Fact]
    public void KernelLoadOfAPoisonedLine_RaisesAHardwareErrorNamingAddressAndSite()
    {
        var machine = MachineFactory.Generic();
        var task = machine.Tasks.CreateProcess("t");
        machine.Memory.InjectPoison(0x100_0040);
        var cpu = machine.CurrentCpu;

        KernelRun<AccessResult> run;
        using (cpu.Enter(task, CpuMode.Kernel))
        {
            run = machine.Run(() => cpu.Load(Load, machine.PhysToVirt(0x100_003c), new byte[8]));
        }

        Assert.True(run.Died);
        var trap = Assert.Single(machine.Traps);
        Assert.Equal(TrapKind.HardwareError, trap.Kind);
        Assert.Equal(0x100_0040UL, trap.PhysicalAddress);
        Assert.Equal(machine.PhysToVirt(0x100_003c), trap.VirtualAddress);
        Assert.Equal(Load, trap.Site);
        Assert.Equal(CpuMode.Kernel, trap.Mode);
    }

    [Fact]
    public void LoadBesideAPoisonedLine_Completes()
    {
        var machine = MachineFactory.Generic();
        machine.Memory.Write(0x100_0038, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        machine.Memory.InjectPoison(0x100_0040);
        var value = new byte[8];

        var result = machine.Run(() => machine.CurrentCpu.Load(Load, machine.PhysToVirt(0x100_0038), value));

        Assert.Equal(AccessResult.Ok, result.Value);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, value);
        Assert.Empty(machine.Traps);
    }

    [Fact]
    public void StoreToAPoisonedLine_RaisesNothingAndWrites()
    {
        var machine = MachineFactory.Generic();
        machine.Memory.InjectPoison(0x100_0040);

        var result = machine.Run(() => machine.CurrentCpu.Store(StoreSite, machine.PhysToVirt(0x100_0040), new byte[] { 9 }));

        Assert.Equal(AccessResult.Ok, result.Value);
        Assert.Empty(machine.Traps);
        Assert.True(machine.Memory.IsLinePoisoned(0x100_0040));
        Assert.Equal(9, machine.Memory.FrameForRead(0x1000)[0x40]);
    }

    [Fact]
    public void UserLoadOfAPoisonedLine_GoesToTheUserTrapPath()
    {
        var machine = MachineFactory.Generic();
        var task = machine.Tasks.CreateProcess("victim");
        var folio = machine.Allocator.AllocFolio(0)!.Value;
        var vma = task.Mm!.Mmap(4096, VmFlags.Read | VmFlags.Write);
        task.Mm.PageTable.Set(vma.Start, Pte.Present(folio.Pfn, write: true));
        machine.Memory.InjectPoison(folio.Head.PhysAddr + 0x80);
        var cpu = machine.CurrentCpu;

        AccessResult result;
        using (cpu.Enter(task, CpuMode.User))
        {
            result = cpu.Load(Load, vma.Start + 0x84, new byte[4]);
        }

        Assert.Equal(AccessResult.UserTrapped, result);
        var trap = Assert.Single(machine.Traps);
        Assert.Equal(CpuMode.User, trap.Mode);
        Assert.Equal(TrapOutcome.UserHandled, trap.Outcome);
        Assert.Equal(MachineState.Running, machine.State);
    }

    [Fact]
    public void UserLoadOfAnUnmappedAddress_IsAUserPageFault()
    {
        var machine = MachineFactory.Generic();
        var task = machine.Tasks.CreateProcess("t");
        var cpu = machine.CurrentCpu;

        using (cpu.Enter(task, CpuMode.User))
        {
            Assert.Equal(AccessResult.UserPageFault, cpu.Load(Load, 0x1000, new byte[1]));
        }
    }
}
