using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// khugepaged-file: a process maps a 2 MiB shmem (tmpfs) file shared and has written its first four pages; the
/// third page-cache page holds latent poison. khugepaged collapses the file range: collapse_file copies each old
/// folio into the new THP with copy_mc_highpage (kernel-paths.md 5b). With copy_mc the copy fails: SCAN_COPY_MC;
/// the page cache was not switched yet, so the old folios stay in it (the process faults them back in) and the new
/// THP is freed; memory_failure_queue(pfn, 0); nothing is signalled. The queued memory_failure finds a dirty shmem
/// page no longer mapped: mapping_set_error, and shmem keeps it in its page cache: "dirty LRU page" Recovered
/// (v6.17; mm-next says Delayed, HwpoisonOptions.ShmemErrorResult). Without copy_mc khugepaged dies in the copy.
/// </summary>
public sealed class KhugepagedFile : Scenario
{
    /// <inheritdoc />
    public override string Id => "khugepaged-file";

    /// <inheritdoc />
    public override string Summary => "khugepaged collapses a shmem file range with a poisoned page: SCAN_COPY_MC, the old pages stay in the page cache";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var file = machine.Filemap.CreateFile("/dev/shm/buffer", InodeKind.Shmem, Memory.HpagePmdSize);
        var task = machine.Tasks.CreateProcess("shm");
        var vma = task.Mm!.Mmap(Memory.HpagePmdSize, VmFlags.Read | VmFlags.Write | VmFlags.Shared, file, align: Memory.HpagePmdSize);
        for (var i = 0; i < 4; i++)
        {
            UserAccess.Write(machine, task, vma.Start + ((ulong)i * PhysicalMemory.PageSize), Enumerable.Repeat((byte)(0x30 + i), 8).ToArray());
        }

        context.Set("mm", task.Mm);
        context.Set("va", vma.Start);
        context.Set("page", file.Mapping.Lookup(2)!.Value.Head);
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"));

    /// <inheritdoc />
    public override void Act(ScenarioContext context) =>
        context.Result = Khugepaged.KhugepagedScan(context.Machine, context.Get<MmStruct>("mm"), context.Get<ulong>("va")).KernelName();

    /// <inheritdoc />
    public override Expectation Expect(string profile) => !ProfileFacts.HasCopyMc(profile)
        ? ProfileFacts.KernelConsumption(profile)
        : Expectation.Survives() with
        {
            Result = "SCAN_COPY_MC",
            Signals = [],
            Queued = ProfileFacts.QueuedAfterCopyFailure(profile, 1),
            MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
        };
}
