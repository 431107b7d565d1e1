using KernelModel.Mm;
using KernelModel.Testing;

namespace KernelModel.Arch.Arm64.Tests;

/// <summary>
/// The copy_mc contract on the <c>arm64</c> profile (the series) with a GHES that claims every abort: every
/// copy_mc routine recovers and memcpy dies. Exact return values are in the routine test classes.
/// </summary>
public sealed class Arm64CopyMcContractTests : CopyMcContractTests
{
    protected override Machine Boot() => Arm64Machines.Boot(Arm64Options.Series, new ClaimingGhes());

    [Fact]
    public void Routines_WithGhes_RecoverExceptMemcpy()
    {
        var routines = Probe.Machine.Arch.CopyRoutines.ToDictionary(r => r.Name);

        Assert.Equal(["copy_mc_to_kernel", "copy_mc_to_user", "memcpy", "copy_mc_page"], Probe.Machine.Arch.CopyRoutines.Select(r => r.Name));
        Assert.True(routines["copy_mc_to_kernel"].RecoversPoison);
        Assert.True(routines["copy_mc_to_user"].RecoversPoison);
        Assert.True(routines["copy_mc_page"].RecoversPoison);
        Assert.False(routines["memcpy"].RecoversPoison);
        Assert.Equal(CopyReturnKind.Errno, routines["copy_mc_page"].ReturnKind);
        Assert.True(routines["copy_mc_page"].PageOnly);
    }

    [Fact]
    public void CopyMcToKernel_PoisonInTheLargeLoop_ReturnsEndMinusDstUpTo64BeyondThePoison()
    {
        // Line 960..1023 is block 15: its first ldp runs in loop pass 14 right after the store of block 14's A.
        var result = Probe.Run("copy_mc_to_kernel", new CopyCase(4096, 0, 0, [1000]));

        Assert.False(result.Died);
        Assert.Equal(960, result.FirstPoison);
        Assert.Equal((14 * 64) + 16, result.Stored);
        Assert.Equal(4096 - ((14 * 64) + 16), result.Returned);
        Assert.Equal(48, result.Returned - (4096 - result.FirstPoison));
        var trap = Assert.Single(result.Traps);
        Assert.Equal(TrapOutcome.Fixup, trap.Outcome);
        Assert.Equal(MemcpyMc.Loads.Single(s => s.Label == "cpy_body_large loop: ldp1 A"), trap.Site);
    }
}
