using KernelModel.Hwpoison;
using KernelModel.Mm;
using KernelModel.Uaccess;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// shmem-read: a tmpfs file of three pages, written with write(2); the patrol scrubber finds a poisoned line in the
/// second page: memory_failure(pfn, 0) marks it PG_hwpoison and shmem keeps it in its page cache ("dirty LRU page"
/// Recovered in v6.17). Reading the whole file from the start returns the first page only (shmem_file_read_iter
/// stops at the known-poisoned page with the bytes before it), and the next read, from the poisoned page, fails with
/// EIO. The poison is never consumed: every profile behaves the same. Reference: kernel-paths.md 8c, 10d.
/// </summary>
public sealed class ShmemRead : Scenario
{
    private const int Pages = 3;

    /// <inheritdoc />
    public override string Id => "shmem-read";

    /// <inheritdoc />
    public override string Summary => "read(2) of a tmpfs file with a known-poisoned page: the bytes before it, then EIO";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("app");
        var vma = task.Mm!.Mmap(Pages * PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        UserAccess.Write(machine, task, vma.Start, Enumerable.Repeat((byte)0x3c, Pages * PhysicalMemory.PageSize).ToArray());
        var inode = machine.Filemap.CreateFile("/dev/shm/data", InodeKind.Shmem, 0);
        var file = new OpenFile(inode);
        Syscalls.Write(machine, task, file, vma.Start, Pages * PhysicalMemory.PageSize);
        context.Set("task", task);
        context.Set("buf", vma.Start);
        context.Set("file", file);
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context)
    {
        var folio = context.Get<OpenFile>("file").Inode.Mapping.Lookup(1) ?? throw new InvalidOperationException("the write left no second page");
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
        context.Syscall("lseek", Syscalls.Lseek(machine, task, file, 0, Syscalls.SeekSet));
        var ret = context.Syscall("read", Syscalls.Read(machine, task, file, buf, Pages * PhysicalMemory.PageSize));
        context.ShortRead = ret is > 0 and < Pages * PhysicalMemory.PageSize;
        context.Syscall("read", Syscalls.Read(machine, task, file, buf, Pages * PhysicalMemory.PageSize));
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Syscalls = [("lseek", 0), ("read", PhysicalMemory.PageSize), ("read", -Errno.EIO)],
        ShortRead = true,
        Signals = [],
        MemoryFailures = [("dirty LRU page", MfResult.Recovered)],
        Queued = 0,
    };
}
