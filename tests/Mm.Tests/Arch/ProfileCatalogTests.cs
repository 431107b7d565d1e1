namespace KernelModel.Mm.Tests.Arch;

public sealed class ProfileCatalogTests
{
    private static readonly MachineConfig Small = new() { MemoryBytes = 128UL << 20, ReservedBytes = 0, Seed = 1 };

    [Fact]
    public void Boot_ProfileWithConfigure_BootsTheAdjustedConfiguration()
    {
        var profile = new Profile("test", "a profile that changes the fault signal", m => new GenericArchitecture(m),
            c => c with { Mm = c.Mm with { HwpoisonFaultSignal = HwpoisonFaultSignal.RiscvDoTrap } });

        var machine = new ProfileCatalog([profile]).Boot("test", Small with { Cpus = 3 });

        Assert.Equal((HwpoisonFaultSignal.RiscvDoTrap, 3), (machine.Config.Mm.HwpoisonFaultSignal, machine.Config.Cpus));
    }

    [Fact]
    public void Boot_ProfileWithoutConfigure_BootsTheCallersConfiguration()
    {
        var profile = new Profile("generic", "no copy_mc", m => new GenericArchitecture(m));

        var machine = new ProfileCatalog([profile]).Boot("generic", Small);

        Assert.Same(Small, machine.Config);
    }
}
