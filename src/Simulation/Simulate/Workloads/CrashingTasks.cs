using KernelModel.Mm;

namespace KernelModel.Simulation.Simulate.Workloads;

/// <summary>
/// coredump: a batch job started every half hour that works on 64 KiB of memory and then crashes (SIGSEGV), so the
/// kernel dumps its core (do_coredump reading every page: copy_mc_to_kernel where the architecture has it) before
/// the process exits.
/// </summary>
public sealed class CrashingTasks : Workload
{
    private const int JobPages = 16;
    private TaskStruct? _job;
    private Vma? _memory;

    /// <inheritdoc />
    public override string Name => "coredump";

    /// <inheritdoc />
    public override string Summary => "batch jobs that crash and dump core (the dump reads every page)";

    /// <inheritdoc />
    public override IReadOnlyList<WorkloadActivity> Activities => [new("crash", TimeSpan.FromMinutes(30), Crash)];

    /// <inheritdoc />
    public override void Start(WorkloadContext context) => StartJob(context);

    /// <inheritdoc />
    public override IEnumerable<(Page Page, PageClass Class)> Pages(WorkloadContext context) =>
        _job is { IsAlive: true } && _memory is not null ? MappedPages(context.Machine, _memory).Select(p => (p, PageClass.Anon)) : [];

    private void StartJob(WorkloadContext context)
    {
        _job = context.Machine.Tasks.CreateProcess("batch-job");
        _memory = _job.Mm!.Mmap(JobPages * PhysicalMemory.PageSize, VmFlags.Read | VmFlags.Write);
        for (var p = 0; p < JobPages; p++)
        {
            context.WriteLine(_job, _memory.Start + ((ulong)p << PhysicalMemory.PageShift), (byte)p);
        }
    }

    // A NULL dereference: SIGSEGV; get_signal() dumps core (do_coredump) and the process exits.
    private void Crash(WorkloadContext context)
    {
        if (_job is { IsAlive: true } job)
        {
            job.SendSignal(new SigInfo(Signals.SIGSEGV, Signals.SEGV_MAPERR), force: true);
            var core = Coredump.DoCoredump(context.Machine, job);
            if (core.Truncated)
            {
                context.Syscall(job, "coredump (truncated)", -Errno.EFAULT);
            }

            job.DeliverSignals();
        }

        if (_job is not null)
        {
            context.Reap(_job);
        }

        StartJob(context);
    }
}
