using KernelModel.Mm;

namespace KernelModel.Simulation.Simulate.Workloads;

/// <summary>
/// hugetlb: a packet-processing process with two private 2 MiB hugetlb pages that it reads every minute, and that
/// forks a helper every half hour; the helper's write copies the huge page (hugetlb_wp -> copy_user_large_folio).
/// </summary>
public sealed class HugetlbUsers : Workload
{
    private const ulong Huge = 2UL << 20;
    private const int HugePages = 2;
    private TaskStruct? _app;
    private Vma? _buffers;

    /// <inheritdoc />
    public override string Name => "hugetlb";

    /// <inheritdoc />
    public override string Summary => "a process with private hugetlb pages that forks helpers (hugetlb COW)";

    /// <inheritdoc />
    public override int Hugepages2M => 8;

    /// <inheritdoc />
    public override IReadOnlyList<WorkloadActivity> Activities =>
    [
        new("poll", TimeSpan.FromMinutes(1), Poll),
        new("fork", TimeSpan.FromMinutes(30), ForkHelper),
    ];

    /// <inheritdoc />
    public override void Start(WorkloadContext context) => App(context);

    /// <inheritdoc />
    public override IEnumerable<(Page Page, PageClass Class)> Pages(WorkloadContext context) =>
        _app is { IsAlive: true } && _buffers is not null ? MappedPages(context.Machine, _buffers).Select(p => (p, PageClass.Hugetlb)) : [];

    private TaskStruct App(WorkloadContext context) => context.Ensure(ref _app, () =>
    {
        var machine = context.Machine;
        var task = machine.Tasks.CreateProcess("dpdk");
        _buffers = Hugetlb.MmapHugetlb(task.Mm!, machine.Hugetlb.Hstates[0], HugePages * Huge, VmFlags.Read | VmFlags.Write);
        for (var h = 0; h < HugePages; h++)
        {
            context.WriteLine(task, _buffers.Start + ((ulong)h * Huge), 0xe1);
        }

        return task;
    });

    private ulong RandomPage(WorkloadContext context) => _buffers!.Start + ((ulong)context.Random.Next(HugePages * 512) << PhysicalMemory.PageShift);

    private void Poll(WorkloadContext context)
    {
        var task = App(context);
        for (var n = 0; n < 8 && task.IsAlive; n++)
        {
            context.ReadPage(task, RandomPage(context));
        }
    }

    private void ForkHelper(WorkloadContext context)
    {
        var parent = App(context);
        var pid = context.Syscall(parent, "fork", Fork.KernelClone(context.Machine, parent));
        if (pid <= 0)
        {
            return;
        }

        var child = context.Machine.Tasks.Find((int)pid)!;
        context.WriteLine(child, RandomPage(context), 0xe2);
        if (child.IsAlive)
        {
            child.Exit();
        }

        context.Reap(child);
    }
}
