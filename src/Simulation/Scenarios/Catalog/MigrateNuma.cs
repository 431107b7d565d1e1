using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// migrate-numa: on a two-node machine a process's dirty anonymous page lives on node 0 while the process runs on
/// node 1; one line holds latent poison. Its NUMA-hinting fault migrates the page: do_numa_page ->
/// migrate_misplaced_folio -> migrate_pages -> __migrate_folio -> folio_mc_copy (kernel-paths.md 6). With copy_mc
/// the copy fails before anything is switched: -EHWPOISON, a permanent failure, the source's PTE restored and the
/// folio put back; the fault completes normally, nothing is signalled; memory_failure_queue(pfn, 0), and the queued
/// memory_failure unmaps the page (late kill): "dirty LRU page" Recovered. Without copy_mc the kernel dies in the
/// hinting fault.
/// </summary>
public sealed class MigrateNuma : Scenario
{
    /// <inheritdoc />
    public override string Id => "migrate-numa";

    /// <inheritdoc />
    public override string Summary => "NUMA balancing migrates a poisoned anonymous page: folio_mc_copy fails, the page stays where it was, no signal";

    /// <inheritdoc />
    public override MachineConfig Config => base.Config with { Nodes = 2 };

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("numa");
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x3c, PhysicalMemory.PageSize).ToArray());
        context.Set("task", task);
        context.Set("va", vma.Start);
        context.Set("page", machine.Memory.PfnToPage(task.Mm.PageTable.Walk(vma.Start).Entry.Pfn));
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x7c0);

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        context.Result = NumaBalancing.DoNumaPage(context.Machine, context.Get<TaskStruct>("task"), context.Get<ulong>("va"), targetNid: 1).ToKernelString();

    /// <inheritdoc />
    public override Expectation Expect(string profile) => !ProfileFacts.HasCopyMc(profile)
        ? ProfileFacts.KernelConsumption(profile)
        : Expectation.Survives() with
        {
            Result = "0",
            Signals = [],
            Queued = ProfileFacts.QueuedAfterCopyFailure(profile, 1),
            MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
        };
}
