
namespace KernelModel.Arch.RiscV.Asm;

/// <summary>
/// Runs an assembled copy routine as copy_mc_to_kernel over copy_mc contract cases with <see cref="CopyProbe"/>:
/// records contract violations, the return value's precision per phase (from the faults the interpreter saw), and
/// loads or stores that were not naturally aligned; and, given a reference profile, runs every case there too and
/// lists where return value or bytes stored differ.
/// </summary>
public sealed class AsmCheck
{
    /// <summary>The routine name CopyProbe runs on both sides.</summary>
    public const string CopyRoutine = "copy_mc_to_kernel";

    /// <summary>How many violations and differences a result keeps (all are counted).</summary>
    public const int Kept = 20;

    private readonly AsmRoutine _routine;
    private readonly Func<Machine, ExceptionTable, IArchTrap> _trap;

    /// <summary>A check of <paramref name="routine"/> under the trap <paramref name="trap"/> builds.</summary>
    public AsmCheck(AsmRoutine routine, Func<Machine, ExceptionTable, IArchTrap> trap)
    {
        _routine = routine;
        _trap = trap;
    }

    /// <summary>The machines both sides boot: 256 MiB, one CPU (the probe's buffers need far less).</summary>
    public static MachineConfig Config { get; } = new() { MemoryBytes = 256UL << 20, Cpus = 1 };

    /// <summary>Boots a machine whose architecture is the assembled routine.</summary>
    public Machine Boot() => new(Config, m => new AsmArchitecture(m, _routine, _trap));

    /// <summary>Runs <paramref name="cases"/>; with <paramref name="reference"/>, compares each case with it.</summary>
    /// <param name="cases">The copies.</param>
    /// <param name="reference">Boots a machine of the reference profile, or null for no comparison.</param>
    public AsmCheckResult Run(IEnumerable<CopyCase> cases, Func<Machine>? reference)
    {
        var probe = new CopyProbe(Boot);
        var referenceProbe = reference is null ? null : new CopyProbe(reference);
        var result = new AsmCheckResult(_routine);
        foreach (var copy in cases)
        {
            var arch = (AsmArchitecture)probe.Machine.Arch;
            var run = probe.Run(CopyRoutine, copy);
            result.Count(copy, run, arch.AsmCopy.LastCall);
            if (referenceProbe is not null)
            {
                result.Compare(copy, run, referenceProbe.Run(CopyRoutine, copy));
            }
        }

        return result;
    }

    /// <summary>copy_mc_to_kernel(dst, src, len) with a destination just past the linear map, on a fresh machine.</summary>
    public DestinationFault DestinationFault(int length = PhysicalMemory.PageSize) => DestinationFaultOn(Boot(), length);

    /// <summary>The same copy on a machine of another profile.</summary>
    public static DestinationFault DestinationFault(Machine machine, int length = PhysicalMemory.PageSize) => DestinationFaultOn(machine, length);

    private static DestinationFault DestinationFaultOn(Machine machine, int length)
    {
        var task = machine.Tasks.CreateProcess("asmcheck");
        var src = machine.Allocator.AllocFolio(1) ?? throw new InvalidOperationException("no memory for the source");
        var dst = machine.Arch.PageOffset + machine.Memory.Size;
        KernelRun<ulong> run;
        using (machine.CurrentCpu.Enter(task, CpuMode.Kernel))
        {
            run = machine.Run(() => machine.Arch.CopyMc.CopyMcToKernel(dst, machine.PageAddress(src.Head), (ulong)length));
        }

        var trap = machine.Traps.Count > 0 ? machine.Traps[0] : null;
        return new DestinationFault(length, run.Completed ? (long)run.Value : null, run.Died ? run.DeathMessage : null,
            trap?.Site.Label, trap?.Detail);
    }
}
