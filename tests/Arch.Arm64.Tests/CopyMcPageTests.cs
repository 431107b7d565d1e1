using KernelModel.Mm;

namespace KernelModel.Arch.Arm64.Tests;

/// <summary>copy_mc_page: the copy_page pipeline with KERNEL_MEM_ERR on its ldp; -EFAULT on a consumed poison.</summary>
public sealed class CopyMcPageTests
{
    [Theory]
    // Block 0 is loaded before the loop: nothing is stored.
    [InlineData(0, 0, "ldp1 x2, x3, [x1, #0]")]
    // Block 16 (byte 2048) is loaded in pass 15, after blocks 0..14 and block 15's first pair were stored.
    [InlineData(2048, (15 * 128) + 16, "loop: ldp1 x2, x3, [x1, #0]")]
    // Byte 4095 is in the second half of block 31 (pair 4 at 4032): pass 30 has stored block 30's pairs 0..4.
    [InlineData(4095, (30 * 128) + (5 * 16), "loop: ldp1 x10, x11, [x1, #64]")]
    public void CopyMcPage_PoisonedSource_ReturnsEfault(int poison, int stored, string site)
    {
        var probe = new CopyProbe(() => Arm64Machines.Boot(Arm64Options.Series, new ClaimingGhes()));

        var result = probe.Run("copy_mc_page", new CopyCase(PhysicalMemory.PageSize, 0, 0, [poison]));

        Assert.False(result.Died);
        Assert.Equal(-Errno.EFAULT, result.Returned);
        Assert.Equal(stored, result.Stored);
        var trap = Assert.Single(result.Traps);
        Assert.Equal(new CodeSite(CopyMcPage.Routine, site, SiteAccess.Load), trap.Site);
        Assert.Equal(TrapOutcome.Fixup, trap.Outcome);
    }

    [Fact]
    public void CopyMcPageTemplate_CleanSlowPath_CopiesThePageAndLoadsNothingPastIt()
    {
        var m = Arm64Machines.Boot(Arm64Options.Series, new ClaimingGhes());
        var src = m.Allocator.AllocFolio(1)!.Value.Head;
        var (dst, _, dstPage, _) = Arm64Machines.Pages(m);
        var pattern = Enumerable.Range(0, PhysicalMemory.PageSize).Select(i => (byte)((i * 3) + 1)).ToArray();
        m.Memory.Write(src.PhysAddr, pattern);
        m.Memory.InjectPoison(src.PhysAddr + PhysicalMemory.PageSize);

        var done = m.RunInKernel(() => CopyMcPage.Template(m.CurrentCpu, dst, m.PageAddress(src)));

        Assert.True(done.Value);
        Assert.Empty(m.Traps);
        var copied = new byte[PhysicalMemory.PageSize];
        m.Memory.Read(dstPage.PhysAddr, copied);
        Assert.Equal(pattern, copied);
    }

    [Fact]
    public void CopyMcPage_V13Mops_HasNoFixupAndTheKernelDies()
    {
        var probe = new CopyProbe(() => Arm64Machines.Boot(Arm64Options.Series with { Mops = Arm64Mops.V13 }, new ClaimingGhes()));

        var result = probe.Run("copy_mc_page", new CopyCase(PhysicalMemory.PageSize, 0, 0, [100]));

        Assert.False(probe.Machine.Arch.CopyRoutines.Single(r => r.Name == "copy_mc_page").RecoversPoison);
        Assert.True(result.Died);
        Assert.True(result.ContractOk, result.Violation);
        Assert.Equal(CopyMcPage.MopsMainLoad, Assert.Single(result.Traps).Site);
    }

    [Fact]
    public void CopyMcPage_V14AssumedMops_ReturnsEfaultFromTheCpyInstruction()
    {
        var probe = new CopyProbe(() => Arm64Machines.Boot(Arm64Options.Series with { Mops = Arm64Mops.V14Assumed }, new ClaimingGhes()));

        var result = probe.Run("copy_mc_page", new CopyCase(PhysicalMemory.PageSize, 0, 0, [100]));

        Assert.True(probe.Machine.Arch.CopyRoutines.Single(r => r.Name == "copy_mc_page").RecoversPoison);
        Assert.False(result.Died);
        Assert.Equal(-Errno.EFAULT, result.Returned);
        Assert.Equal(MopsCopy.BlockBytes, result.Stored);
        var trap = Assert.Single(result.Traps);
        Assert.Equal(CopyMcPage.MopsMainLoad, trap.Site);
        Assert.Equal(TrapOutcome.Fixup, trap.Outcome);
    }
}
