using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;
using Microsoft.Extensions.DependencyInjection;

namespace KernelModel.Simulation.Tests.Scenarios;

/// <summary>The facts the scenarios declare from, against the profiles kmodel registers.</summary>
public sealed class ProfileFactsTests
{
    private static readonly ProfileCatalog Profiles = KmodelHost.BuildHost([], TextWriter.Null, TextWriter.Null).Services.GetRequiredService<ProfileCatalog>();

    public static TheoryData<string> Registered() => new(Profiles.All.Select(p => p.Name));

    [Fact]
    public void Profiles_AreExactlyTheRegisteredOnes()
    {
        Assert.Equal(Profiles.All.Select(p => p.Name).Order(StringComparer.Ordinal), ProfileFacts.Profiles.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Registered))]
    public void Facts_AgreeWithTheBootedProfile(string profile)
    {
        var machine = Profiles.Boot(profile, new MachineConfig { MemoryBytes = 128UL << 20, ReservedBytes = 0 });

        Assert.Equal(machine.Arch.CopyMc.HasArchCopyMc, ProfileFacts.HasCopyMc(profile));
        var signal = ProfileFacts.HwpoisonFault(profile, "t", 21);
        Assert.Equal(machine.Config.Mm.HwpoisonFaultSignal == HwpoisonFaultSignal.RiscvDoTrap
            ? (Signals.BUS_ADRERR, 0)
            : (Signals.BUS_MCEERR_AR, 21), (signal.Code, signal.AddrLsb));
    }

    [Theory]
    [InlineData("generic", false)]
    [InlineData("riscv64-upstream", true)]
    [InlineData("arm64-upstream", false)]
    [InlineData("x86_64", true)]
    public void KernelConsumption_PanicsOrOopsesAsTheArchitectureDies(string profile, bool panics)
    {
        var expectation = ProfileFacts.KernelConsumption(profile);

        Assert.Equal((panics, !panics, 0), (expectation.Panic, expectation.Oops, expectation.Queued));
    }

    [Theory]
    [InlineData("arm64", 0, 1)]
    [InlineData("riscv64", 0, 0)]
    [InlineData("x86_64", 1, 1)]
    public void QueuedAfterCopyFailure_OnlyArm64sGhesQueuesForThePath(string profile, int byThePath, int expected) =>
        Assert.Equal(expected, ProfileFacts.QueuedAfterCopyFailure(profile, byThePath));

    [Fact]
    public void UnknownProfile_IsNamedWithTheDescribedOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => ProfileFacts.HasCopyMc("sparc"));

        Assert.StartsWith("profile 'sparc' is not described in ProfileFacts: described are generic, riscv64,", e.Message);
    }
}
