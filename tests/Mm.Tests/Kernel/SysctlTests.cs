namespace KernelModel.Mm.Tests.Kernel;

public sealed class SysctlTests
{
    [Fact]
    public void Defaults_AreTheKernels()
    {
        var sysctl = new Sysctl();

        Assert.True(sysctl.MemoryFailureRecovery);
        Assert.False(sysctl.MemoryFailureEarlyKill);
        Assert.True(sysctl.EnableSoftOffline);
        Assert.False(sysctl.PanicOnOops);
    }

    [Fact]
    public void Set_OutOfRange_NamesTheValueAndTheRange()
    {
        var error = Assert.Throws<ArgumentException>(() => new Sysctl().Set("vm.memory_failure_early_kill", "2"));

        Assert.StartsWith("invalid value '2' for vm.memory_failure_early_kill: valid values are 0..1", error.Message);
    }

    [Fact]
    public void Set_UnknownName_ListsTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => new Sysctl().Set("vm.nope", "1"));

        Assert.Contains("unknown sysctl 'vm.nope': known are kernel.panic_on_oops, vm.enable_soft_offline", error.Message);
    }
}
