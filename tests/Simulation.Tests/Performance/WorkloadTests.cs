using KernelModel.Mm;
using KernelModel.Simulation.Performance;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Simulation.Tests.Performance;

public sealed class WorkloadTests
{
    private static readonly ProfileCatalog Catalog =
        KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services.GetRequiredService<ProfileCatalog>();

    [Fact]
    public void CopyWorkload_Riscv64_CleanCopiesReturnZeroAndThePoisonedCopyReturnsA2()
    {
        using var copy = new CopyWorkload(Catalog, "riscv64");

        Assert.Equal(0UL, copy.CopyMcToKernel(3));
        Assert.Equal(0, copy.CopyMcHighpage(3));
        var poisoned = copy.CopyMcToKernelPoisoned(1);
        Assert.True(poisoned.Completed);

        // The bulk loop's phase count at the fault: 4096 - 0 lead bytes.
        Assert.Equal(4096UL, poisoned.Value);
        Assert.Equal(-Errno.EFAULT, copy.CopyMcHighpagePoisoned(1).Value);
    }

    [Fact]
    public void CopyWorkload_Generic_ThePoisonedCopyKillsTheKernelAndRebootGivesAFreshMachine()
    {
        using var copy = new CopyWorkload(Catalog, "generic");
        var before = copy.Machine;

        Assert.True(copy.CopyMcToKernelPoisoned(1).Died);
        Assert.Equal(1, copy.Machine.OopsCount);
        copy.Reboot();

        Assert.NotSame(before, copy.Machine);
        Assert.Equal(0, copy.Machine.OopsCount);
        Assert.Equal(0UL, copy.CopyMcToKernel(1));
    }

    [Theory]
    [InlineData(0, 2048, "invalid copy length 0: valid lengths are 1..4194304")]
    [InlineData(4096, 4096, "invalid poison offset 4096: valid offsets are 0..4095")]
    public void CopyWorkload_BadShape_IsRejectedWithTheValidRange(int length, int poisonOffset, string message)
    {
        var bad = Assert.Throws<ArgumentException>(() => new CopyWorkload(Catalog, "generic", length, poisonOffset));

        Assert.Equal(message, bad.Message);
    }

    [Fact]
    public void CowFaultWorkload_EachFaultGivesTheChildItsOwnWritableCopyAndTheParentKeepsItsPage()
    {
        var cow = new CowFaultWorkload(Catalog, "riscv64", 4);
        cow.Fork();
        var machine = cow.Machine;
        var parent = machine.Tasks.All.Single(t => t.Comm == "bench" && t.Parent is null);
        var child = machine.Tasks.All.Single(t => t.Parent == parent);
        var start = parent.Mm!.Vmas.Single().Start;
        var shared = parent.Mm.PageTable.Walk(start).Entry;
        Assert.Equal(shared.Pfn, child.Mm!.PageTable.Walk(start).Entry.Pfn);

        Assert.Equal(VmFault.None, cow.Fault(3));

        var copied = child.Mm.PageTable.Walk(start).Entry;
        Assert.NotEqual(shared.Pfn, copied.Pfn);
        Assert.True(copied.Write);
        Assert.Equal(shared.Pfn, parent.Mm.PageTable.Walk(start).Entry.Pfn);
        Assert.Equal(1, machine.Memory.PfnToPage(shared.Pfn).MapCount);
        Assert.Equal(0x5a, machine.Memory.FrameForRead(copied.Pfn)[0]);
        Assert.Equal(1, cow.Remaining);
        Assert.Throws<InvalidOperationException>(() => cow.Fault(2));
    }

    [Fact]
    public void CowFaultWorkload_ExitGivesTheCopiesBack()
    {
        var cow = new CowFaultWorkload(Catalog, "x86_64", 8);
        cow.Fork();
        var free = cow.Machine.Allocator.NrFreePages;

        cow.Fault(8);
        Assert.Equal(free - 8, cow.Machine.Allocator.NrFreePages);
        cow.Exit();

        Assert.Equal(free, cow.Machine.Allocator.NrFreePages);
    }

    [Fact]
    public void MachineScale_TouchOf4MiB_WritesEveryFrameOfTwoFolios()
    {
        var machine = Catalog.Boot("generic", new MachineConfig { MemoryBytes = 1UL << 30 });

        var (_, frames) = MachineScale.Touch(machine, 4UL << 20);

        Assert.Equal(1024, frames);
        Assert.Equal(1024, machine.Memory.TouchedFrames);
    }

    [Fact]
    public void BenchMeter_Median_OfOddAndEvenCounts()
    {
        Assert.Equal(3, BenchMeter.Median([5, 1, 3]));
        Assert.Equal(2.5, BenchMeter.Median([4, 1, 3, 2]));
    }
}
