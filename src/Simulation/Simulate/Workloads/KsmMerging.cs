using KernelModel.Mm;

namespace KernelModel.Simulation.Simulate.Workloads;

/// <summary>
/// ksm: four virtual machines whose guest memory is largely identical (VM_MERGEABLE), merged by ksmd; memory
/// pressure swaps merged pages out every five minutes (shrink_folio_list), and the guests touching them again swap
/// them in through do_swap_page, which copies a KSM page for the faulting VMA (ksm_might_need_to_copy). Guests also
/// write to merged pages (a COW of the KSM page).
/// </summary>
public sealed class KsmMerging : Workload
{
    private const int GuestPages = 32;
    private readonly TaskStruct?[] _guests = new TaskStruct?[4];
    private readonly Vma?[] _memory = new Vma?[4];

    /// <inheritdoc />
    public override string Name => "ksm";

    /// <inheritdoc />
    public override string Summary => "virtual machines with identical pages merged by ksmd, swapped out and in (KSM swap-in copy)";

    /// <inheritdoc />
    public override IReadOnlyList<WorkloadActivity> Activities =>
    [
        new("guest", TimeSpan.FromMinutes(1), Guests),
        new("reclaim", TimeSpan.FromMinutes(5), Reclaim),
    ];

    /// <inheritdoc />
    public override void Start(WorkloadContext context)
    {
        for (var i = 0; i < _guests.Length; i++)
        {
            Guest(context, i);
        }
    }

    /// <inheritdoc />
    public override IEnumerable<(Page Page, PageClass Class)> Pages(WorkloadContext context) =>
        _memory.Where((v, i) => v is not null && _guests[i] is { IsAlive: true }).SelectMany(v => MappedPages(context.Machine, v!)).Distinct().Select(p => (p, PageClass.Anon));

    private TaskStruct Guest(WorkloadContext context, int i) => context.Ensure(ref _guests[i], () =>
    {
        var task = context.Machine.Tasks.CreateProcess($"qemu-vm{i}");
        _memory[i] = task.Mm!.Mmap(GuestPages * PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write | VmFlags.Mergeable);
        for (var p = 0; p < GuestPages; p++)
        {
            Fill(context, task, _memory[i]!.Start + ((ulong)p << PhysicalMemory.PageShift), p);
        }

        return task;
    });

    // Guest page p holds the same bytes in every VM (the shared guest kernel and libraries).
    private static void Fill(WorkloadContext context, TaskStruct task, ulong va, int p) =>
        UserAccess.Write(context.Machine, task, va, Enumerable.Repeat((byte)(0x40 + p), PhysicalMemory.PageSize).ToArray());

    private void Guests(WorkloadContext context)
    {
        for (var i = 0; i < _guests.Length; i++)
        {
            var task = Guest(context, i);
            for (var n = 0; n < 4 && task.IsAlive; n++)
            {
                context.ReadPage(task, _memory[i]!.Start + ((ulong)context.Random.Next(GuestPages) << PhysicalMemory.PageShift));
            }

            var p = context.Random.Next(GuestPages);
            if (task.IsAlive)
            {
                Fill(context, task, _memory[i]!.Start + ((ulong)p << PhysicalMemory.PageShift), p);
            }
        }
    }

    private void Reclaim(WorkloadContext context)
    {
        var candidates = _memory.Where((v, i) => v is not null && _guests[i] is { IsAlive: true })
            .SelectMany(v => MappedPages(context.Machine, v!)).Select(p => p.Folio).Distinct().ToList();
        for (var n = 0; n < 4 && candidates.Count > 0; n++)
        {
            var folio = context.Pick(candidates);
            candidates.Remove(folio);
            Vmscan.ReclaimFolio(context.Machine, folio);
        }
    }
}
