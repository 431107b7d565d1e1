using KernelModel.Mm;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Arch.X86.Tests;

/// <summary>The profiles registered with DI and the options' validation.</summary>
public sealed class ProfileTests
{
    // The singletons AddArchX86 registers, read from the collection (the test project has no container).
    private static ProfileCatalog Catalog() =>
        new(new ServiceCollection().AddArchX86().Where(d => d.ServiceType == typeof(Profile)).Select(d => (Profile)d.ImplementationInstance!));

    [Fact]
    public void AddArchX86_RegistersX86_64AndTheFragileVariant()
    {
        Assert.Equal(["x86_64", "x86_64-fragile"], Catalog().All.Select(p => p.Name));
    }

    [Fact]
    public void Boot_X86_64_IsUpstreamWithErmsAndNoFragileQuirk()
    {
        var x86 = (X86Architecture)Catalog().Boot("x86_64", new MachineConfig { MemoryBytes = 128UL << 20 }).Arch;

        Assert.Equal("x86_64", x86.Name);
        Assert.Equal(new X86Options(), x86.Options);
        Assert.Equal((false, true, true, CopyinRecovery.KillMeNever, true), (x86.Options.FragileQuirk, x86.Options.Erms, x86.Options.Fsrm, x86.Options.CopyinRecovery, x86.Options.EfaultRegCopyin));
        Assert.Equal(0xffff_8880_0000_0000UL, x86.PageOffset);
        Assert.Equal(0x7fff_ffff_f000UL, x86.TaskSize);
        Assert.Equal(["copy_mc_to_kernel", "copy_mc_to_user", "memcpy"], x86.CopyRoutines.Select(r => r.Name));
        Assert.Equal([true, true, false], x86.CopyRoutines.Select(r => r.RecoversPoison));
    }

    [Fact]
    public void Boot_X86_64Fragile_UsesCopyMcFragile()
    {
        var x86 = (X86Architecture)Catalog().Boot("x86_64-fragile", new MachineConfig { MemoryBytes = 128UL << 20 }).Arch;

        Assert.Equal("x86_64-fragile", x86.Name);
        Assert.True(x86.Options.FragileQuirk);
    }

    [Theory]
    [InlineData("x86_64")]
    [InlineData("x86_64-fragile")]
    public void Boot_EveryProfile_SignalsHwpoisonFaultsWithDoSigbus(string profile)
    {
        var machine = Catalog().Boot(profile, new MachineConfig { MemoryBytes = 128UL << 20 });

        Assert.Equal(HwpoisonFaultSignal.DoSigbus, machine.Config.Mm.HwpoisonFaultSignal);
    }

    [Fact]
    public void CopyRoutines_NoErmsNoQuirk_DoNotRecover()
    {
        var x86 = X86Machines.Boot(new X86Options { Erms = false }).X86();

        Assert.All(x86.CopyRoutines, r => Assert.False(r.RecoversPoison));
    }

    [Theory]
    [InlineData(64, 1, "invalid MCi_MISC address LSB 64: valid values are 0..63")]
    [InlineData(6, 32, "invalid machine-check bank 32: valid banks are 0..31 (MAX_NR_BANKS 32)")]
    public void Validate_OutOfRange_NamesTheValueAndTheRange(int lsb, int bank, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new X86Options { MiscAddrLsb = lsb, McBank = bank }.Validate());

        Assert.Equal(message, e.Message);
    }
}
