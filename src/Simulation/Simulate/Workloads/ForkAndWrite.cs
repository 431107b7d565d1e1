using KernelModel.Mm;

namespace KernelModel.Simulation.Simulate.Workloads;

/// <summary>
/// fork-and-write: two server processes with a 256 KiB heap that fork a worker every ten minutes; parent and child
/// write to the shared heap while both live, so pages are copied on write (do_wp_page -> wp_page_copy). The first
/// server also keeps a DMA-pinned buffer (an RDMA region), which fork must copy at once (copy_present_page). Every
/// minute each server reads and writes some of its heap.
/// </summary>
public sealed class ForkAndWrite : Workload
{
    private const int HeapPages = 64;
    private const int PinnedPages = 4;
    private readonly TaskStruct?[] _servers = new TaskStruct?[2];
    private readonly Vma?[] _heaps = new Vma?[2];

    /// <inheritdoc />
    public override string Name => "fork-and-write";

    /// <inheritdoc />
    public override string Summary => "servers that fork workers and write their heap (COW, fork copying a pinned buffer)";

    /// <inheritdoc />
    public override IReadOnlyList<WorkloadActivity> Activities =>
    [
        new("serve", TimeSpan.FromMinutes(1), Serve),
        new("fork", TimeSpan.FromMinutes(10), ForkWorkers),
    ];

    /// <inheritdoc />
    public override void Start(WorkloadContext context)
    {
        for (var i = 0; i < _servers.Length; i++)
        {
            Server(context, i);
        }
    }

    /// <inheritdoc />
    public override IEnumerable<(Page Page, PageClass Class)> Pages(WorkloadContext context) =>
        _servers.Where(s => s is { IsAlive: true }).SelectMany(s => s!.Mm!.Vmas).SelectMany(v => MappedPages(context.Machine, v)).Select(p => (p, PageClass.Anon));

    private TaskStruct Server(WorkloadContext context, int i) => context.Ensure(ref _servers[i], () =>
    {
        var task = context.Machine.Tasks.CreateProcess(i == 0 ? "rdma-server" : "web-server");
        _heaps[i] = task.Mm!.Mmap(HeapPages * PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        for (var p = 0; p < HeapPages; p++)
        {
            context.WriteLine(task, _heaps[i]!.Start + ((ulong)p << PhysicalMemory.PageShift), (byte)p);
        }

        if (i == 0)
        {
            var buffer = task.Mm.Mmap(PinnedPages * PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
            for (var p = 0; p < PinnedPages; p++)
            {
                context.WriteLine(task, buffer.Start + ((ulong)p << PhysicalMemory.PageShift), 0xd0);
            }

            context.Syscall(task, "ibv_reg_mr", Gup.PinUserPages(context.Machine, task, buffer.Start, PinnedPages));
        }

        return task;
    });

    private ulong RandomHeapPage(WorkloadContext context, int i) => _heaps[i]!.Start + ((ulong)context.Random.Next(HeapPages) << PhysicalMemory.PageShift);

    private void Serve(WorkloadContext context)
    {
        for (var i = 0; i < _servers.Length; i++)
        {
            var task = Server(context, i);
            for (var n = 0; n < 4 && task.IsAlive; n++)
            {
                context.ReadPage(task, RandomHeapPage(context, i));
            }

            for (var n = 0; n < 2 && task.IsAlive; n++)
            {
                context.WriteLine(task, RandomHeapPage(context, i), 0x11);
            }
        }
    }

    private void ForkWorkers(WorkloadContext context)
    {
        for (var i = 0; i < _servers.Length; i++)
        {
            var parent = Server(context, i);
            var pid = context.Syscall(parent, "fork", Fork.KernelClone(context.Machine, parent));
            if (pid <= 0)
            {
                continue;
            }

            var child = context.Machine.Tasks.Find((int)pid)!;
            for (var n = 0; n < 8 && child.IsAlive; n++)
            {
                context.WriteLine(child, RandomHeapPage(context, i), 0x22);
            }

            for (var n = 0; n < 4 && parent.IsAlive; n++)
            {
                context.WriteLine(parent, RandomHeapPage(context, i), 0x33);
            }

            if (child.IsAlive)
            {
                child.Exit();
            }

            context.Reap(child);
        }
    }
}
