using KernelModel.Mm;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// dirty-pagecache: a process maps a regular file shared and writes its page (dirty in the page cache, not yet
/// written back); another process has the file open. A line of the page holds latent poison and the writer loads
/// it. memory_failure(pfn, MF_ACTION_REQUIRED): the data was dirty, so the writer is killed with SIGBUS
/// BUS_MCEERR_AR lsb 12; me_pagecache_dirty records -EIO on the mapping and the page is truncated from the cache:
/// "dirty LRU page" Recovered (kernel-paths.md 10d, 10f). The other process's fsync then reports the lost data:
/// EIO, once (file_check_and_advance_wb_err). The same on every profile.
/// </summary>
public sealed class DirtyPagecache : Scenario
{
    /// <inheritdoc />
    public override string Id => "dirty-pagecache";

    /// <inheritdoc />
    public override string Summary => "a process loads a poisoned line of a dirty page-cache page: SIGBUS BUS_MCEERR_AR, page truncated, fsync EIO";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var file = machine.Filemap.CreateFile("/var/lib/db/table", InodeKind.Regular, PhysicalMemory.PageSize);
        var syncer = machine.Tasks.CreateProcess("syncer");
        var open = new OpenFile(file);
        var writer = machine.Tasks.CreateProcess("writer");
        var vma = writer.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write | VmFlags.Shared, file);
        UserAccess.Write(machine, writer, vma.Start, Enumerable.Repeat((byte)0x66, PhysicalMemory.PageSize).ToArray());
        context.Set("writer", writer);
        context.Set("syncer", syncer);
        context.Set("file", open);
        context.Set("va", vma.Start);
        context.Set("page", file.Mapping.Lookup(0)!.Value.Head);
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context) => context.PoisonLine(context.Get<Page>("page"), 0x240);

    /// <inheritdoc />
    public override void Act(ScenarioContext context)
    {
        UserAccess.Read(context.Machine, context.Get<TaskStruct>("writer"), context.Get<ulong>("va") + 0x240, new byte[8]);

        // fsync(2) by the other process: nothing dirty is left to write; the writeback error recorded on the mapping
        // is what it reports.
        context.Syscall("fsync", context.Get<OpenFile>("file").CheckAndAdvanceWbErr());
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Signals = [new ExpectedSignal("writer", Signals.SIGBUS, Signals.BUS_MCEERR_AR, 12)],
        Syscalls = [("fsync", -Errno.EIO)],
        Queued = 0,
        MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
    };
}
