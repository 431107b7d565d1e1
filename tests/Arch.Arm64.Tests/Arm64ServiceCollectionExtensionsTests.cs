using KernelModel.Mm;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Arch.Arm64.Tests;

public sealed class Arm64ServiceCollectionExtensionsTests
{
    [Fact]
    public void AddArchArm64_RegistersBothProfilesWithTheirOptions()
    {
        var services = new ServiceCollection().AddArchArm64();
        var catalog = new ProfileCatalog(services.Where(d => d.ServiceType == typeof(Profile)).Select(d => (Profile)d.ImplementationInstance!));

        Assert.Equal(["arm64", "arm64-upstream"], catalog.All.Select(p => p.Name));
        var series = Assert.IsType<Arm64Architecture>(catalog.Boot("arm64", Arm64Machines.Config).Arch);
        var upstream = Assert.IsType<Arm64Architecture>(catalog.Boot("arm64-upstream", Arm64Machines.Config).Arch);
        Assert.Equal(("arm64", Arm64Options.Series), (series.Name, series.Options));
        Assert.Equal(("arm64-upstream", Arm64Options.Upstream), (upstream.Name, upstream.Options));
        Assert.True(series.CopyMc.HasArchCopyMc);
        Assert.Equal(0xffff_0000_0000_0000UL, series.PageOffset);
        Assert.Equal(1UL << 48, series.TaskSize);
    }

    [Theory]
    [InlineData("arm64")]
    [InlineData("arm64-upstream")]
    public void Boot_EveryProfile_SignalsHwpoisonFaultsAsDoPageFaultDoes(string profile)
    {
        var services = new ServiceCollection().AddArchArm64();
        var catalog = new ProfileCatalog(services.Where(d => d.ServiceType == typeof(Profile)).Select(d => (Profile)d.ImplementationInstance!));

        Assert.Equal(HwpoisonFaultSignal.Arm64ForceSigMceerr, catalog.Boot(profile, Arm64Machines.Config).Config.Mm.HwpoisonFaultSignal);
    }
}
