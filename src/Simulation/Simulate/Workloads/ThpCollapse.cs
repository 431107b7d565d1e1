using KernelModel.Mm;

namespace KernelModel.Simulation.Simulate.Workloads;

/// <summary>
/// thp-collapse: a JVM that maps a fresh 2 MiB-aligned heap region every ten minutes, faults part of it in as small
/// pages and then asks for huge pages (MADV_HUGEPAGE), so khugepaged collapses it (copying every small page into the
/// new THP); every half hour it collapses the newest region itself with MADV_COLLAPSE. Old regions are unmapped.
/// Every minute it reads some of its heap (small pages or THP sub-pages).
/// </summary>
public sealed class ThpCollapse : Workload
{
    private const ulong Huge = 2UL << 20;
    private const int TouchedPages = 64;
    private const int MaxRegions = 6;
    private readonly List<Vma> _regions = [];
    private TaskStruct? _jvm;

    /// <inheritdoc />
    public override string Name => "thp-collapse";

    /// <inheritdoc />
    public override string Summary => "a JVM whose heap regions khugepaged collapses into THPs (and MADV_COLLAPSE)";

    /// <inheritdoc />
    public override IReadOnlyList<WorkloadActivity> Activities =>
    [
        new("work", TimeSpan.FromMinutes(1), Work),
        new("grow", TimeSpan.FromMinutes(10), Grow),
        new("madv-collapse", TimeSpan.FromMinutes(30), Collapse),
    ];

    /// <inheritdoc />
    public override void Start(WorkloadContext context) => Grow(context);

    /// <inheritdoc />
    public override IEnumerable<(Page Page, PageClass Class)> Pages(WorkloadContext context) =>
        _jvm is { IsAlive: true } ? _regions.SelectMany(v => MappedPages(context.Machine, v)).Select(p => (p, PageClass.Anon)) : [];

    private TaskStruct Jvm(WorkloadContext context)
    {
        var before = _jvm;
        var task = context.Ensure(ref _jvm, () => context.Machine.Tasks.CreateProcess("java"));
        if (!ReferenceEquals(before, task))
        {
            _regions.Clear();
        }

        return task;
    }

    private void Grow(WorkloadContext context)
    {
        var task = Jvm(context);
        var region = task.Mm!.Mmap(Huge, VmFlags.Read | VmFlags.Write | VmFlags.Nohugepage, align: Huge);
        for (var p = 0; p < TouchedPages && task.IsAlive; p++)
        {
            context.WriteLine(task, region.Start + ((ulong)p << PhysicalMemory.PageShift), (byte)p);
        }

        region.Flags = (region.Flags & ~VmFlags.Nohugepage) | VmFlags.Hugepage;
        _regions.Add(region);
        if (_regions.Count > MaxRegions)
        {
            var old = _regions[0];
            _regions.RemoveAt(0);
            Unmap.ZapVma(context.Machine, old);
            task.Mm.RemoveVma(old);
        }
    }

    private void Collapse(WorkloadContext context)
    {
        var task = Jvm(context);
        if (_regions.Count > 0)
        {
            var region = _regions[^1];
            context.Syscall(task, "madvise(MADV_COLLAPSE)", Khugepaged.MadviseCollapse(context.Machine, task, region.Start, region.Length));
        }
    }

    private void Work(WorkloadContext context)
    {
        var task = Jvm(context);
        for (var n = 0; n < 4 && task.IsAlive && _regions.Count > 0; n++)
        {
            var region = context.Pick(_regions);
            context.ReadPage(task, region.Start + ((ulong)context.Random.Next(TouchedPages) << PhysicalMemory.PageShift));
        }
    }
}
