using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// clean-pagecache: a process maps a regular file read-only and has read its page, which sits clean in the page
/// cache; a line of it holds latent poison and the process loads it. memory_failure(pfn, MF_ACTION_REQUIRED): the
/// page is clean, so it is dropped without side effects ("corrupted page was clean"), not forcibly killed, and
/// evicted from the page cache: "clean LRU page" Recovered; no signal (kernel-paths.md 10f, 12; outcome table
/// "User-mode load": clean file page, no signal, refault). When the process loads again it faults the data back
/// in from the file. The same on every profile.
/// </summary>
public sealed class CleanPagecache : Scenario
{
    /// <inheritdoc />
    public override string Id => "clean-pagecache";

    /// <inheritdoc />
    public override string Summary => "a process loads a poisoned line of a clean page-cache page: dropped, no signal, the data read again from the file";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var file = machine.Filemap.CreateFile("/usr/share/data.bin", InodeKind.Regular, PhysicalMemory.PageSize);
        file.BackingStore[0] = Enumerable.Repeat((byte)0x44, PhysicalMemory.PageSize).ToArray();
        var task = machine.Tasks.CreateProcess("reader");
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Shared, file);
        UserAccess.Read(machine, task, vma.Start, new byte[PhysicalMemory.PageSize]);
        context.Set("task", task);
        context.Set("va", vma.Start);
        context.Set("page", file.Mapping.Lookup(0)!.Value.Head);
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x180);

    /// <inheritdoc />
    public override void Act(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = context.Get<TaskStruct>("task");
        var va = context.Get<ulong>("va") + 0x180;
        UserAccess.Read(machine, task, va, new byte[8]);

        // The task re-executes the load: the PTE is gone, so it faults the page in from the file again.
        UserAccess.Read(machine, task, va, new byte[8]);
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Signals = [],
        Queued = 0,
        MemoryFailures = [("clean LRU page", MfResult.Recovered)],
    };
}
