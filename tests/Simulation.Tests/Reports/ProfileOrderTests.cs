using KernelModel.Simulation.Reports;

namespace KernelModel.Simulation.Tests.Reports;

public sealed class ProfileOrderTests
{
    private static readonly string[] Names = ["x86_64-fragile", "riscv64", "arm64", "generic", "riscv64-upstream", "x86_64", "arm64-upstream", "riscv32"];

    [Fact]
    public void Sort_GenericFirstUnpatchedBeforePatchedYardstickLast()
    {
        Assert.Equal(["generic", "arm64-upstream", "arm64", "riscv32", "riscv64-upstream", "riscv64", "x86_64", "x86_64-fragile"], ProfileOrder.Sort(Names));
    }

    [Fact]
    public void Pairs_AreThePatchedProfilesThatHaveAnUpstreamPartner()
    {
        Assert.Equal([("arm64", "arm64-upstream", "arm64"), ("riscv64", "riscv64-upstream", "riscv64")], ProfileOrder.Pairs(Names));
    }
}
