using KernelModel.Hwpoison;
using KernelModel.Mm;
using KernelModel.Uaccess;

namespace KernelModel.Simulation.Scenarios.Catalog;

/// <summary>
/// hugetlb-read: the selftest hugetlb-read-hwpoison on a 2 MiB hugetlbfs file that its owner maps: the 4 KiB page at
/// len/2 + 4 KiB is poisoned (here found by the patrol scrubber: memory_failure(pfn, 0), "huge page" Recovered, the
/// folio stays in the page cache with that raw page recorded). A read of the whole file returns len/2 + 4 KiB, the next
/// read fails with EIO, and after lseek past the poisoned page (len/2 + 2 * 4 KiB) the rest reads fine. Nothing
/// consumes the poison: every profile behaves the same. Reference: kernel-paths.md 8d, 10g.
/// </summary>
public sealed class HugetlbRead : Scenario
{
    private const ulong Len = 2UL << 20;

    /// <inheritdoc />
    public override string Id => "hugetlb-read";

    /// <inheritdoc />
    public override string Summary => "read(2) of a hugetlbfs file with a raw poisoned sub-page: up to it, then EIO; after seeking past it the rest reads";

    /// <inheritdoc />
    public override void Setup(ScenarioContext context)
    {
        var machine = context.Machine;
        var target = new TargetPageBuilder(machine).Build(TargetPageKind.HugetlbFile, subpage: (int)(Len / 2 / PhysicalMemory.PageSize) + 1);
        var task = target.Owner!;
        var buf = task.Mm!.Mmap(Len, VmFlags.Read | VmFlags.Write);
        context.Set("task", task);
        context.Set("buf", buf.Start);
        context.Set("file", new OpenFile(target.File!));
        context.Set("page", target.Page);
    }

    /// <inheritdoc />
    public override void Inject(ScenarioContext context)
    {
        context.PoisonLine(context.Get<Page>("page"), 0);
        new PatrolScrubber(context.Machine).Run(TimeSpan.FromHours(24));
    }

    /// <inheritdoc />
    public override void Act(ScenarioContext context)
    {
        var machine = context.Machine;
        var task = context.Get<TaskStruct>("task");
        var file = context.Get<OpenFile>("file");
        var buf = context.Get<ulong>("buf");
        var ret = context.Syscall("read", Syscalls.Read(machine, task, file, buf, Len));
        context.ShortRead = ret is > 0 and < (long)Len;
        context.Syscall("read", Syscalls.Read(machine, task, file, buf, Len));
        context.Syscall("lseek", Syscalls.Lseek(machine, task, file, (long)(Len / 2) + (2 * PhysicalMemory.PageSize), Syscalls.SeekSet));
        context.Syscall("read", Syscalls.Read(machine, task, file, buf, Len));
    }

    /// <inheritdoc />
    public override Expectation Expect(string profile) => Expectation.Survives() with
    {
        Syscalls =
        [
            ("read", (long)(Len / 2) + PhysicalMemory.PageSize),
            ("read", -Errno.EIO),
            ("lseek", (long)(Len / 2) + (2 * PhysicalMemory.PageSize)),
            ("read", (long)(Len / 2) - (2 * PhysicalMemory.PageSize)),
        ],
        ShortRead = true,
        Signals = [],
        MemoryFailures = [("huge page", MfResult.Recovered)],
        Queued = 0,
    };
}
