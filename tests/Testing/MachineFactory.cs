using KernelModel.Mm;

namespace KernelModel.Testing;

/// <summary>Small machines for tests.</summary>
public static class MachineFactory
{
    /// <summary>A 1 GiB, one-node machine of the generic profile.</summary>
    public static Machine Generic(int seed = 1, ulong memory = 1UL << 30) =>
        new(new MachineConfig { MemoryBytes = memory, Seed = seed }, m => new GenericArchitecture(m));
}
