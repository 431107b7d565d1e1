using KernelModel.Mm;
using KernelModel.Simulation.Scenarios;

namespace KernelModel.Simulation.Fleet;

/// <summary>
/// What consumes a poisoned page in the fleet model: one kernel or user path, run for real on a small machine (or a
/// catalogue scenario). The fleet never looks an outcome up: it runs the consumer and reads what happened off the
/// machine (<see cref="ConsumptionRunner"/>). One consumer per file in Fleet/Consumers, found by reflection.
/// </summary>
public abstract class Consumer
{
    /// <summary>The consumer's id in the mix (e.g. <c>cow</c>).</summary>
    public abstract string Id { get; }

    /// <summary>One line: which kernel path consumes, on which pages.</summary>
    public abstract string Summary { get; }

    /// <summary>The poison placement classes this consumer knows: which kind of page holds the poisoned line.</summary>
    public abstract IReadOnlyList<string> Placements { get; }

    /// <summary>Runs the consumer once on <paramref name="profile"/> with the poison at <paramref name="placement"/>.</summary>
    public abstract Consumption Run(ConsumptionRunner runner, string profile, string placement, int seed);
}

/// <summary>
/// A consumer that runs on its own small machine: it sets the page up in the state its path needs, places latent
/// poison in one line, and runs the path; the runner lets the kernel settle and classifies the outcome.
/// </summary>
public abstract class MachineConsumer : Consumer
{
    /// <summary>The line of the page the poison goes into: 0x140, inside the page and away from both ends.</summary>
    protected const int PoisonOffset = 0x140;

    /// <summary>The small machine a placement runs on (the runner sets the seed).</summary>
    public virtual MachineConfig Config(string placement) => new() { MemoryBytes = 256UL << 20, Cpus = 2, ReservedBytes = 0, Hugepages2M = 2 };

    /// <summary>
    /// Whether the path consumes by loading the poisoned line (a hardware-error trap). False for a consumer that only
    /// finds the poison (the patrol scrubber), for which a run without a trap is the expected one.
    /// </summary>
    public virtual bool LoadsThePoison => true;

    /// <summary>Sets the page up, poisons one line of it and runs the path that consumes it.</summary>
    public abstract void Consume(ScenarioContext context, string placement);

    /// <inheritdoc />
    public override Consumption Run(ConsumptionRunner runner, string profile, string placement, int seed) => runner.RunOnMachine(this, profile, placement, seed);

    /// <summary>A private anonymous read-write mapping of <paramref name="pages"/> pages, each written once by the task.</summary>
    protected static Vma AnonPages(Machine machine, TaskStruct task, int pages, VmFlags extra = VmFlags.None, ulong align = PhysicalMemory.PageSize)
    {
        var vma = task.Mm!.Mmap((ulong)pages << PhysicalMemory.PageShift, VmFlags.Read | VmFlags.Write | extra, align: align);
        for (var i = 0; i < pages; i++)
        {
            Touch(machine, task, vma.Start + ((ulong)i << PhysicalMemory.PageShift));
        }

        return vma;
    }

    /// <summary>The task writes a few bytes at <paramref name="va"/> (faulting the page in).</summary>
    protected static void Touch(Machine machine, TaskStruct task, ulong va) => UserAccess.Write(machine, task, va, [0x5a, 0xa5, 0x3c, 0xc3]);

    /// <summary>The 4 KiB page mapped at <paramref name="va"/> in <paramref name="task"/> (a sub-page of a huge mapping included).</summary>
    protected static Page PageAt(Machine machine, TaskStruct task, ulong va)
    {
        var (pte, level) = task.Mm!.PageTable.Walk(va);
        if (!pte.IsPresent)
        {
            throw new InvalidOperationException($"nothing is mapped at {Printf.HashLx(va)} in {task}");
        }

        return machine.Memory.PfnToPage(pte.Pfn + ((va & ((1UL << (int)level) - 1)) >> PhysicalMemory.PageShift));
    }
}
