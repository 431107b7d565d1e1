using KernelModel.Mm;
using KernelModel.Testing;

namespace KernelModel.Arch.Arm64.Tests;

/// <summary>
/// The copy_mc contract on <c>arm64-upstream</c>: no copy_mc, so every kernel-mode consumption dies, even with a
/// GHES that would claim (upstream do_sea asks APEI only for user-mode aborts).
/// </summary>
public sealed class Arm64UpstreamCopyMcContractTests : CopyMcContractTests
{
    protected override Machine Boot() => Arm64Machines.Boot(Arm64Options.Upstream, new ClaimingGhes());

    [Fact]
    public void Routines_NoneRecoversAndThereIsNoCopyMcPage()
    {
        Assert.Equal(["copy_mc_to_kernel", "copy_mc_to_user", "memcpy"], Probe.Machine.Arch.CopyRoutines.Select(r => r.Name));
        Assert.All(Probe.Machine.Arch.CopyRoutines, r => Assert.False(r.RecoversPoison));
        Assert.False(Probe.Machine.Arch.CopyMc.HasArchCopyMc);
        Assert.Null(Probe.Machine.Arch.CopyMc.HighpageOverride);
    }
}
