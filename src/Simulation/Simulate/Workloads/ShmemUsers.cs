using KernelModel.Mm;

namespace KernelModel.Simulation.Simulate.Workloads;

/// <summary>
/// shmem: two processes sharing a 2 MiB tmpfs segment (a database's shared buffers), mapped shared and 2 MiB aligned,
/// reading and writing part of it every minute; khugepaged may collapse the segment's small pages (collapse_file with
/// copy_mc_highpage).
/// </summary>
public sealed class ShmemUsers : Workload
{
    private const ulong Huge = 2UL << 20;
    private const int UsedPages = 64;
    private readonly TaskStruct?[] _users = new TaskStruct?[2];
    private readonly Vma?[] _mappings = new Vma?[2];
    private Inode? _segment;

    /// <inheritdoc />
    public override string Name => "shmem";

    /// <inheritdoc />
    public override string Summary => "processes sharing a tmpfs segment (shmem pages; khugepaged file collapse)";

    /// <inheritdoc />
    public override IReadOnlyList<WorkloadActivity> Activities => [new("work", TimeSpan.FromMinutes(1), Work)];

    /// <inheritdoc />
    public override void Start(WorkloadContext context)
    {
        _segment = context.Machine.Filemap.CreateFile("/dev/shm/buffers", InodeKind.Shmem, Huge);
        for (var i = 0; i < _users.Length; i++)
        {
            User(context, i);
        }
    }

    /// <inheritdoc />
    public override IEnumerable<(Page Page, PageClass Class)> Pages(WorkloadContext context) =>
        _segment is null ? [] : _segment.Mapping.Pages.Values.SelectMany(folio => Enumerable.Range(0, (int)folio.NrPages)
            .Select(i => context.Machine.Memory.PfnToPage(folio.Pfn + (ulong)i))).Select(p => (p, PageClass.PageCache));

    private TaskStruct User(WorkloadContext context, int i) => context.Ensure(ref _users[i], () =>
    {
        var task = context.Machine.Tasks.CreateProcess($"pg-backend{i}");
        _mappings[i] = task.Mm!.Mmap(Huge, VmFlags.Read | VmFlags.Write | VmFlags.Shared, _segment, align: Huge);
        for (var p = 0; p < UsedPages && task.IsAlive; p++)
        {
            context.WriteLine(task, _mappings[i]!.Start + ((ulong)p << PhysicalMemory.PageShift), (byte)p);
        }

        return task;
    });

    private void Work(WorkloadContext context)
    {
        for (var i = 0; i < _users.Length; i++)
        {
            var task = User(context, i);
            for (var n = 0; n < 4 && task.IsAlive; n++)
            {
                var va = _mappings[i]!.Start + ((ulong)context.Random.Next(UsedPages) << PhysicalMemory.PageShift);
                if (n % 2 == 0)
                {
                    context.ReadPage(task, va);
                }
                else
                {
                    context.WriteLine(task, va, 0x5e);
                }
            }
        }
    }
}
