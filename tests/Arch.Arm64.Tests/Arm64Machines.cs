using KernelModel.Mm;

namespace KernelModel.Arch.Arm64.Tests;

/// <summary>A firmware-first GHES that claims every synchronous external abort and records the calls.</summary>
internal sealed class ClaimingGhes : IGhes
{
    public List<(CpuMode Mode, CodeSite Site, bool Gate)> Calls { get; } = [];

    public int NotifySea(Cpu cpu, HardwareErrorEvent error, bool gateSigbusOnContext)
    {
        Calls.Add((error.Mode, error.Site, gateSigbusOnContext));
        return 0;
    }
}

/// <summary>Small arm64 machines for the tests.</summary>
internal static class Arm64Machines
{
    public static MachineConfig Config { get; } = new() { MemoryBytes = 1UL << 30, Seed = 1 };

    /// <summary>A machine of <paramref name="options"/> with the given GHES (none: GhesNotConfigured).</summary>
    public static Machine Boot(Arm64Options options, IGhes? ghes = null, IMemoryFailure? memoryFailure = null) =>
        new(Config, m => new Arm64Architecture(m, options), memoryFailure is null ? null : _ => memoryFailure, ghes is null ? null : _ => ghes);

    public static Arm64Architecture Arch(this Machine machine) => (Arm64Architecture)machine.Arch;

    /// <summary>Two allocated pages' kernel addresses, the source one with poison at the given byte offsets.</summary>
    public static (ulong Dst, ulong Src, Page DstPage, Page SrcPage) Pages(Machine machine, params int[] poison)
    {
        var src = machine.Allocator.AllocFolio(0)!.Value.Head;
        var dst = machine.Allocator.AllocFolio(0)!.Value.Head;
        var pattern = new byte[PhysicalMemory.PageSize];
        for (var i = 0; i < pattern.Length; i++)
        {
            pattern[i] = (byte)(i * 7 + 1);
        }

        machine.Memory.Write(src.PhysAddr, pattern);
        foreach (var p in poison)
        {
            machine.Memory.InjectPoison(src.PhysAddr + (ulong)p);
        }

        return (machine.PageAddress(dst), machine.PageAddress(src), dst, src);
    }

    /// <summary>Runs a kernel path on CPU 0 in kernel mode as a fresh process.</summary>
    public static KernelRun<T> RunInKernel<T>(this Machine machine, Func<T> path, TaskStruct? task = null)
    {
        task ??= machine.Tasks.CreateProcess("arm64test");
        using (machine.CurrentCpu.Enter(task, CpuMode.Kernel))
        {
            return machine.Run(path);
        }
    }
}
