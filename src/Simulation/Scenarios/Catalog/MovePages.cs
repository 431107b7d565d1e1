using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// move-pages: on a two-node machine a process moves its two dirty anonymous pages to node 1 with move_pages(2);
/// the first has a line of latent poison. do_pages_move -> migrate_pages -> folio_mc_copy (kernel-paths.md 6): with
/// copy_mc that page fails to migrate (-EHWPOISON, permanent) and stays on node 0; move_pages returns the number of
/// pages not migrated, 1; the other page moves; memory_failure_queue(pfn, 0), and the queued memory_failure unmaps
/// the page (late kill): "dirty LRU page" Recovered. Without copy_mc the kernel dies in the caller's syscall.
/// </summary>
public sealed class MovePages : Scenario
{
    /// <inheritdoc />
    public override string Id => "move-pages";

    /// <inheritdoc />
    public override string Summary => "move_pages(2) of a poisoned anonymous page to another node: not migrated, move_pages returns 1";

    /// <inheritdoc />
    public override MachineConfig Config => base.Config with { Nodes = 2 };

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("mover");
        var vma = task.Mm!.Mmap(2 * (ulong)PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x3c, 2 * PhysicalMemory.PageSize).ToArray());
        context.Set("task", task);
        context.Set("va", vma.Start);
        context.Set("page", machine.Memory.PfnToPage(task.Mm.PageTable.Walk(vma.Start).Entry.Pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"));

    /// <inheritdoc />
    public override void Act(ScenarioContext context)
    {
        var va = context.Get<ulong>("va");
        var status = new int[2];
        context.Syscall("move_pages",
            Mm.MovePages.KernelMovePages(context.Machine, context.Get<TaskStruct>("task"), [va, va + PhysicalMemory.PageSize], [1, 1], status));
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => !ProfileFacts.HasCopyMc(profile)
        ? ProfileFacts.KernelConsumption(profile)
        : Expectation.Survives() with
        {
            Syscalls = [("move_pages", 1)],
            Signals = [],
            Queued = ProfileFacts.QueuedAfterCopyFailure(profile, 1),
            MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
        };
}
