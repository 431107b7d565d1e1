using KernelModel.Mm;

namespace KernelModel.Simulation.Simulate;

/// <summary>One of a workload's activities: what its processes do every <paramref name="Period"/>.</summary>
/// <param name="Name">The activity's name in reports (e.g. <c>fork</c>).</param>
/// <param name="Period">How often it runs (a multiple of the tick).</param>
/// <param name="Run">Runs it once, through the model's real paths.</param>
public sealed record WorkloadActivity(string Name, TimeSpan Period, Action<WorkloadContext> Run);

/// <summary>
/// A workload: processes doing something the kernel's recovery paths care about (forking and writing, merging,
/// collapsing, reading files, dumping core), started once and then run activity by activity in virtual time. Its
/// pages are what the error injector poisons; every access goes through the model's paths (the fault path, COW,
/// fork, KSM, khugepaged, migration, coredump), so a poisoned line is consumed wherever the kernel would consume it.
/// A process that dies is reaped (exit_mmap) and started again by the next activity. One workload per file in
/// Simulate/Workloads; a new instance runs on each machine.
/// </summary>
public abstract class Workload
{
    /// <summary>The name users type.</summary>
    public abstract string Name { get; }

    /// <summary>One line: what it does and which paths it exercises.</summary>
    public abstract string Summary { get; }

    /// <summary>2 MiB huge pages it needs in the boot-time pool.</summary>
    public virtual int Hugepages2M => 0;

    /// <summary>Its activities.</summary>
    public abstract IReadOnlyList<WorkloadActivity> Activities { get; }

    /// <summary>Starts its processes and builds its memory.</summary>
    public abstract void Start(WorkloadContext context);

    /// <summary>The pages it holds now, with their class.</summary>
    public abstract IEnumerable<(Page Page, PageClass Class)> Pages(WorkloadContext context);

    /// <summary>The present pages mapped in <paramref name="vma"/> (every 4 KiB page of a huge mapping).</summary>
    protected static IEnumerable<Page> MappedPages(Machine machine, Vma vma)
    {
        foreach (var (_, entry, level) in vma.Mm.PageTable.LeavesIn(vma.Start, vma.End))
        {
            if (!entry.IsPresent || machine.Mm.IsZeroPfn(entry.Pfn))
            {
                continue;
            }

            var pages = 1UL << ((int)level - PhysicalMemory.PageShift);
            for (ulong i = 0; i < pages; i++)
            {
                yield return machine.Memory.PfnToPage(entry.Pfn + i);
            }
        }
    }
}
