using KernelModel.Mm;

namespace KernelModel.Simulation.Simulate.Workloads;

/// <summary>
/// compaction-numa: a database whose buffer pool is touched from the other NUMA node (it moves between nodes every
/// half hour), so automatic NUMA balancing migrates the pages it touches (do_numa_page -> migrate_misplaced_folio);
/// kcompactd migrates pages of the used part of the zone (compact_zone). Both copy with folio_mc_copy.
/// </summary>
public sealed class CompactionNuma : Workload
{
    private const int PoolPages = 128;
    private TaskStruct? _db;
    private Vma? _pool;

    /// <inheritdoc />
    public override string Name => "compaction-numa";

    /// <inheritdoc />
    public override string Summary => "a database touched from the other node: NUMA balancing migrates its pages (and kcompactd compacts)";

    /// <inheritdoc />
    public override IReadOnlyList<WorkloadActivity> Activities => [new("query", TimeSpan.FromMinutes(1), Query)];

    /// <inheritdoc />
    public override void Start(WorkloadContext context) => Db(context);

    /// <inheritdoc />
    public override IEnumerable<(Page Page, PageClass Class)> Pages(WorkloadContext context) =>
        _db is { IsAlive: true } && _pool is not null ? MappedPages(context.Machine, _pool).Select(p => (p, PageClass.Anon)) : [];

    private TaskStruct Db(WorkloadContext context) => context.Ensure(ref _db, () =>
    {
        var task = context.Machine.Tasks.CreateProcess("postgres");
        _pool = task.Mm!.Mmap(PoolPages * PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        for (var p = 0; p < PoolPages; p++)
        {
            context.WriteLine(task, _pool.Start + ((ulong)p << PhysicalMemory.PageShift), (byte)p);
        }

        return task;
    });

    private void Query(WorkloadContext context)
    {
        var task = Db(context);
        var machine = context.Machine;
        var node = (int)(machine.Clock.Now.TotalMinutes / 30) % machine.Memory.Nodes.Count;
        for (var n = 0; n < 4 && task.IsAlive; n++)
        {
            var va = _pool!.Start + ((ulong)context.Random.Next(PoolPages) << PhysicalMemory.PageShift);
            if (machine.Memory.Nodes.Count > 1)
            {
                NumaBalancing.DoNumaPage(machine, task, va, node);
            }

            context.ReadPage(task, va);
        }
    }
}
