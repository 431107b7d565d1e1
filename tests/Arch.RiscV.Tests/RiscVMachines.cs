namespace KernelModel.Arch.RiscV.Tests;

/// <summary>
/// Small machines of the RISC-V profiles, with no reserved memory: the default 16 MiB gives reserved frames their
/// struct pages at boot, which is most of a boot's cost, and the contract suite boots a machine after every panic.
/// </summary>
public static class RiscVMachines
{
    public static MachineConfig Config(ulong memory = 1UL << 30) =>
        new() { MemoryBytes = memory, Seed = 1, ReservedBytes = 0 };

    public static Machine Boot(string profile, ulong memory = 1UL << 30, Func<Machine, IMemoryFailure>? memoryFailure = null) =>
        new(Config(memory), RiscVServiceCollectionExtensions.Profiles.Single(p => p.Name == profile).Architecture, memoryFailure);

    public static Machine Boot(RiscVOptions options, Func<Machine, IMemoryFailure>? memoryFailure = null) =>
        new(Config(), m => new RiscVArchitecture(m, "test", options), memoryFailure);
}
