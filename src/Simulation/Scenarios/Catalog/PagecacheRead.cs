using KernelModel.Hwpoison;
using KernelModel.Mm;
using KernelModel.Uaccess;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// pagecache-read: the known-poisoned page cache. A process write(2)s 4 KiB over a regular file's block, leaving a
/// dirty page-cache page; the patrol scrubber finds a poisoned line in it before anyone reads it: memory_failure(pfn,
/// 0) records -EIO on the mapping and drops the page ("dirty LRU page" Recovered). The next pread64 misses the page
/// cache and reads the block from the disk again: the whole 4 KiB, but the data written is lost (the disk still holds
/// the old bytes), and only fsync reports it: -EIO. No copy consumes poison, so every profile behaves the same.
/// Reference: kernel-paths.md 8a ("known-poisoned page cache"), 10d (me_pagecache_dirty).
/// </summary>
public sealed class PagecacheRead : Scenario
{
    private const byte OnDisk = 0x11;
    private const byte Written = 0x22;

    /// <inheritdoc />
    public override string Id => "pagecache-read";

    /// <inheritdoc />
    public override string Summary => "read(2) after memory_failure dropped a dirty page-cache page: the old data comes back from the disk, fsync reports EIO";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("app");
        var vma = task.Mm!.Mmap(PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat(Written, PhysicalMemory.PageSize).ToArray());
        var inode = machine.Filemap.CreateFile("/data/file", InodeKind.Regular, PhysicalMemory.PageSize);
        inode.BackingStore[0] = Enumerable.Repeat(OnDisk, PhysicalMemory.PageSize).ToArray();
        var file = new OpenFile(inode);
        Syscalls.Write(machine, task, file, vma.Start, PhysicalMemory.PageSize);
        context.Set("task", task);
        context.Set("buf", vma.Start);
        context.Set("file", file);
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context)
    {
        var folio = context.Get<OpenFile>("file").Inode.Mapping.Lookup(0) ?? throw new InvalidOperationException("the write left no page-cache page");
        context.PoisonLine(folio.Head, 0x100);
        new PatrolScrubber(context.Machine).Run(TimeSpan.FromHours(24));
    }

    /// <inheritdoc />
    public override void Act(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = context.Get<TaskStruct>("task");
        var file = context.Get<OpenFile>("file");
        var buf = context.Get<ulong>("buf");
        var ret = context.Syscall("pread64", Syscalls.Pread64(machine, task, file, buf, PhysicalMemory.PageSize, 0));
        context.ShortRead = ret is > 0 and < PhysicalMemory.PageSize;
        var data = new byte[PhysicalMemory.PageSize];
        UserAccess.Read(machine, task, buf, data);
        context.Result = data.All(b => b == OnDisk) ? "read the disk's old data" : data.All(b => b == Written) ? "read the written data" : "read mixed data";
        context.Syscall("fsync", Syscalls.Fsync(machine, task, file));
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Syscalls = [("pread64", PhysicalMemory.PageSize), ("fsync", -Errno.EIO)],
        Result = "read the disk's old data",
        ShortRead = false,
        Signals = [],
        MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
        Queued = 0,
    };
}
