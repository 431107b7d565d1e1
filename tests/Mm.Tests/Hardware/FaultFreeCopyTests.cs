namespace KernelModel.Mm.Tests.Hardware;

/// <summary>
/// How far a routine's accesses get without a trap (Cpu.FaultFreeLength), and the head of a forward copy a routine
/// moves in one go before it runs access by access (Cpu.ForwardCopyFaultFreeLength, Cpu.CopyFastHead).
/// </summary>
public sealed class FaultFreeCopyTests
{
    private const ulong Src = 0x100_0000;
    private const ulong Dst = 0x200_0000;

    [Fact]
    public void FaultFreeLength_Loads_StopAtTheFirstByteOfThePoisonedLine()
    {
        var machine = MachineFactory.Generic();
        machine.Memory.InjectPoison(Src + 0x1850);
        var va = machine.PhysToVirt(Src);

        Assert.Equal(0x1840UL, machine.CurrentCpu.FaultFreeLength(va, 0x3000, write: false));
        Assert.Equal(0x40UL, machine.CurrentCpu.FaultFreeLength(va + 0x1800, 0x1000, write: false));
        Assert.Equal(0UL, machine.CurrentCpu.FaultFreeLength(va + 0x1870, 8, write: false));
    }

    [Fact]
    public void FaultFreeLength_Stores_IgnorePoison()
    {
        var machine = MachineFactory.Generic();
        machine.Memory.InjectPoison(Src + 0x1850);

        Assert.Equal(0x3000UL, machine.CurrentCpu.FaultFreeLength(machine.PhysToVirt(Src), 0x3000, write: true));
    }

    [Fact]
    public void FaultFreeLength_UserRange_StopsAtAnUnmappedPageAndStoresAtAReadOnlyOne()
    {
        var machine = MachineFactory.Generic();
        var task = machine.Tasks.CreateProcess("user");
        var vma = task.Mm!.Mmap(3 * PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        task.Mm.PageTable.Set(vma.Start, Pte.Present(Src >> PhysicalMemory.PageShift, write: true));
        task.Mm.PageTable.Set(vma.Start + PhysicalMemory.PageSize, Pte.Present((Src >> PhysicalMemory.PageShift) + 1, write: false));
        var cpu = machine.CurrentCpu;

        using (cpu.Enter(task, CpuMode.Kernel))
        {
            Assert.Equal((2UL * PhysicalMemory.PageSize) - 100, cpu.FaultFreeLength(vma.Start + 100, 3 * PhysicalMemory.PageSize, write: false));
            Assert.Equal((ulong)PhysicalMemory.PageSize - 100, cpu.FaultFreeLength(vma.Start + 100, 3 * PhysicalMemory.PageSize, write: true));
        }
    }

    [Theory]
    [InlineData(8, 0)] // the destination starts inside the source, ahead of it: a store feeds a later load
    [InlineData(63, 0)]
    [InlineData(64, 64)] // right after the source
    [InlineData(-8, 64)] // below it: every load comes before the store that overwrites its bytes
    [InlineData(0, 64)]
    public void ForwardCopyFaultFreeLength_OverlapAheadOfTheSource_MovesNothing(long delta, ulong expected)
    {
        var machine = MachineFactory.Generic();
        var src = machine.PhysToVirt(Src + 0x100);

        Assert.Equal(expected, machine.CurrentCpu.ForwardCopyFaultFreeLength((ulong)((long)src + delta), src, 64));
    }

    [Theory]
    [InlineData(1UL, 64UL)]
    [InlineData(8UL, 64UL)]
    [InlineData(24UL, 48UL)]
    [InlineData(128UL, 0UL)]
    public void CopyFastHead_MovesTheWholeUnitsBeforeThePoisonedLineAndNothingElse(ulong unit, ulong expected)
    {
        var machine = MachineFactory.Generic();
        var source = Enumerable.Range(0, 256).Select(i => (byte)(i + 1)).ToArray();
        machine.Memory.Write(Src, source);
        machine.Memory.Write(Dst, new byte[256]);
        machine.Memory.InjectPoison(Src + 100);

        var moved = machine.CurrentCpu.CopyFastHead(machine.PhysToVirt(Dst), machine.PhysToVirt(Src), 256, unit);

        var destination = new byte[256];
        machine.Memory.Read(Dst, destination);
        Assert.Equal(expected, moved);
        Assert.Equal(source[..(int)expected], destination[..(int)expected]);
        Assert.All(destination[(int)expected..], b => Assert.Equal(0, b));
        Assert.Empty(machine.Traps);
    }
}
