using KernelModel.Mm;

namespace KernelModel.Simulation.Simulate.Workloads;

/// <summary>
/// pagecache-readers: three readers of two data files, mapped shared and read-only, reading whole pages every minute
/// (user loads of page-cache pages; a dropped clean page is read from disk again); and every ten minutes a loader
/// that maps a file privately and writes to it, so the page-cache page is copied (do_cow_fault). read(2) of the page
/// cache (copy_to_user) belongs to src/Uaccess and is not part of this workload.
/// </summary>
public sealed class PageCacheReaders : Workload
{
    private const int FilePages = 128;
    private readonly TaskStruct?[] _readers = new TaskStruct?[3];
    private readonly Vma?[] _mappings = new Vma?[3];
    private Inode[] _files = [];
    private TaskStruct? _loader;

    /// <inheritdoc />
    public override string Name => "pagecache-readers";

    /// <inheritdoc />
    public override string Summary => "processes reading mapped files (page-cache pages) and writing private file mappings (do_cow_fault)";

    /// <inheritdoc />
    public override IReadOnlyList<WorkloadActivity> Activities =>
    [
        new("read", TimeSpan.FromMinutes(1), Read),
        new("private-write", TimeSpan.FromMinutes(10), PrivateWrite),
    ];

    /// <inheritdoc />
    public override void Start(WorkloadContext context)
    {
        _files = Enumerable.Range(0, 2).Select(f => File(context, f)).ToArray();
        for (var i = 0; i < _readers.Length; i++)
        {
            Reader(context, i);
        }
    }

    /// <inheritdoc />
    public override IEnumerable<(Page Page, PageClass Class)> Pages(WorkloadContext context) =>
        _files.SelectMany(f => f.Mapping.Pages.Values).SelectMany(folio => Enumerable.Range(0, (int)folio.NrPages)
            .Select(i => context.Machine.Memory.PfnToPage(folio.Pfn + (ulong)i))).Select(p => (p, PageClass.PageCache));

    private static Inode File(WorkloadContext context, int f)
    {
        var inode = context.Machine.Filemap.CreateFile($"/srv/data{f}.db", InodeKind.Regular, FilePages * PhysicalMemory.PageSize);
        for (ulong index = 0; index < FilePages; index++)
        {
            inode.BackingStore[index] = Enumerable.Repeat((byte)(index + (ulong)f), PhysicalMemory.PageSize).ToArray();
        }

        return inode;
    }

    private TaskStruct Reader(WorkloadContext context, int i) => context.Ensure(ref _readers[i], () =>
    {
        var task = context.Machine.Tasks.CreateProcess($"reader{i}");
        _mappings[i] = task.Mm!.Mmap(FilePages * PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Shared, _files[i % _files.Length]);
        return task;
    });

    private void Read(WorkloadContext context)
    {
        for (var i = 0; i < _readers.Length; i++)
        {
            var task = Reader(context, i);
            for (var n = 0; n < 8 && task.IsAlive; n++)
            {
                context.ReadPage(task, _mappings[i]!.Start + ((ulong)context.Random.Next(FilePages) << PhysicalMemory.PageShift));
            }
        }
    }

    private void PrivateWrite(WorkloadContext context)
    {
        var task = context.Ensure(ref _loader, () => context.Machine.Tasks.CreateProcess("loader"));
        var file = context.Pick(_files);
        var mapping = task.Mm!.Mmap(FilePages * PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write, file);
        for (var n = 0; n < 2 && task.IsAlive; n++)
        {
            var index = (ulong)context.Random.Next(FilePages);
            context.Machine.Filemap.ReadCacheFolio(file, index);
            context.WriteLine(task, mapping.Start + (index << PhysicalMemory.PageShift), 0x77);
        }

        if (task.IsAlive)
        {
            Unmap.ZapVma(context.Machine, mapping);
            task.Mm.RemoveVma(mapping);
        }
    }
}
