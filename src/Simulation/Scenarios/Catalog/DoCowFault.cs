using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// do-cow-fault: a regular file's page sits clean in the page cache (read earlier) with a line of latent poison; a
/// process that maps the file privately writes the page before it ever touched it: do_fault -> do_cow_fault copies
/// the page-cache page into a new anonymous page with copy_mc_user_highpage (kernel-paths.md 2). With copy_mc the
/// copy fails: VM_FAULT_HWPOISON, no PTE installed, the cow page freed, memory_failure_queue(page-cache pfn, 0), and
/// the writer gets the architecture's hwpoison SIGBUS. The queued memory_failure finds a clean, unmapped page-cache
/// page and evicts it: "clean LRU page" Recovered (the file's data is read again on the next access). Without
/// copy_mc the kernel dies in the copy.
/// </summary>
public sealed class DoCowFault : Scenario
{
    /// <inheritdoc />
    public override string Id => "do-cow-fault";

    /// <inheritdoc />
    public override string Summary => "a first write to a private file mapping copies a poisoned page-cache page: do_cow_fault VM_FAULT_HWPOISON, SIGBUS";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var file = machine.Filemap.CreateFile("/usr/lib/libdata.so", InodeKind.Regular, PhysicalMemory.PageSize);
        file.BackingStore[0] = Enumerable.Repeat((byte)0x31, PhysicalMemory.PageSize).ToArray();
        var cached = machine.Filemap.ReadCacheFolio(file, 0)!.Value;
        var task = machine.Tasks.CreateProcess("writer");
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write, file);
        context.Set("task", task);
        context.Set("va", vma.Start);
        context.Set("page", cached.Head);
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x200);

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        context.Result = UserAccess.Write(context.Machine, context.Get<TaskStruct>("task"), context.Get<ulong>("va") + 0x10, [0x32]).Fault.ToKernelString();

    /// <inheritdoc />
    public override Expectation Expect(string profile) => !ProfileFacts.HasCopyMc(profile)
        ? ProfileFacts.KernelConsumption(profile)
        : Expectation.Survives() with
        {
            Result = "VM_FAULT_HWPOISON",
            Signals = [ProfileFacts.HwpoisonFault(profile, "writer", 12)],
            Queued = ProfileFacts.QueuedAfterCopyFailure(profile, 1),
            MemoryFailures = [("clean LRU page", MfResult.Recovered)],
        };
}
