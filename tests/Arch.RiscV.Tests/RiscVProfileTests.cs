namespace KernelModel.Arch.RiscV.Tests;

/// <summary>The RISC-V profiles as ProfileCatalog boots them.</summary>
public sealed class RiscVProfileTests
{
    [Theory]
    [InlineData("riscv64")]
    [InlineData("riscv32")]
    [InlineData("riscv64-upstream")]
    public void Boot_EveryProfile_SignalsHwpoisonFaultsAsMmFaultErrorDoes(string profile)
    {
        var machine = new ProfileCatalog(RiscVServiceCollectionExtensions.Profiles).Boot(profile, RiscVMachines.Config());

        Assert.Equal(HwpoisonFaultSignal.RiscvDoTrap, machine.Config.Mm.HwpoisonFaultSignal);
        Assert.Equal(profile, machine.Arch.Name);
    }

    [Fact]
    public void Boot_KeepsTheCallersOtherSettings()
    {
        var config = RiscVMachines.Config() with { Mm = new MmOptions { TransparentHugepage = ThpEnabled.Never }, Hugepages2M = 1 };

        var machine = new ProfileCatalog(RiscVServiceCollectionExtensions.Profiles).Boot("riscv64", config);

        Assert.Equal((ThpEnabled.Never, 1), (machine.Config.Mm.TransparentHugepage, machine.Config.Hugepages2M));
    }
}
