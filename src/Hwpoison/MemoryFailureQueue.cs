using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// memory_failure_queue() and its worker (mm/memory-failure.c): one kfifo of MEMORY_FAILURE_FIFO_SIZE (16)
/// entries per CPU; queueing puts an entry on the current CPU's fifo and schedules that CPU's work, or drops it
/// with "buffer overflow" when the fifo is full. The work (memory_failure_work_func) is a kernel worker the
/// machine runs in its virtual time: <see cref="RunPending"/> starts each CPU's kworker after the worker latency
/// and drains its fifo, entries with MF_SOFT_OFFLINE going to soft_offline_page(), the others to memory_failure().
/// </summary>
public sealed class MemoryFailureQueue
{
    /// <summary>MEMORY_FAILURE_FIFO_ORDER.</summary>
    public const int FifoOrder = 4;

    /// <summary>MEMORY_FAILURE_FIFO_SIZE: 16 entries per CPU.</summary>
    public const int FifoSize = 1 << FifoOrder;

    private readonly MemoryFailureHandler _mf;
    private readonly Queue<(ulong Pfn, MfFlags Flags)>[] _fifo;
    private readonly bool[] _scheduled;
    private readonly TaskStruct?[] _kworker;
    private readonly List<(ulong Pfn, MfFlags Flags)> _queued = [];

    internal MemoryFailureQueue(MemoryFailureHandler mf)
    {
        _mf = mf;
        var cpus = mf.Machine.Cpus.Count;
        _fifo = Enumerable.Range(0, cpus).Select(_ => new Queue<(ulong, MfFlags)>(FifoSize)).ToArray();
        _scheduled = new bool[cpus];
        _kworker = new TaskStruct?[cpus];
    }

    /// <summary>Every memory_failure_queue() call, in order, dropped ones included (what the callers asked for).</summary>
    public IReadOnlyList<(ulong Pfn, MfFlags Flags)> Queued => _queued;

    /// <summary>Entries dropped because a fifo was full.</summary>
    public int Dropped { get; private set; }

    /// <summary>What waits in one CPU's fifo, oldest first.</summary>
    public IReadOnlyCollection<(ulong Pfn, MfFlags Flags)> Pending(int cpu) => _fifo[cpu];

    /// <summary>Whether any CPU has work scheduled.</summary>
    public bool HasPendingWork => _scheduled.Any(s => s);

    /// <summary>
    /// memory_failure_queue(): kfifo_put on the current CPU's fifo and schedule_work_on() that CPU; a full fifo
    /// drops the entry: "buffer overflow when queuing memory failure at %#lx". Safe in any context; nothing runs now.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "memory_failure_queue")]
    public void Put(ulong pfn, MfFlags flags)
    {
        using (_mf.Machine.Tracer.Enter("memory_failure_queue"))
        {
            var cpu = _mf.Machine.CurrentCpuId;
            _mf.Machine.Tracer.Note($"pfn {Printf.HashLx(pfn)} flags {flags.ToKernelString()} on cpu {cpu}");
            _queued.Add((pfn, flags));
            if (_fifo[cpu].Count >= FifoSize)
            {
                Dropped++;
                _mf.Err("buffer overflow when queuing memory failure at " + Printf.HashLx(pfn));
                return;
            }

            _fifo[cpu].Enqueue((pfn, flags));
            _scheduled[cpu] = true;
        }
    }

    /// <summary>
    /// Runs the scheduled works: for each CPU in order, the clock advances by the worker latency and that CPU's
    /// kworker (kworker/N:1, a kernel thread) runs memory_failure_work_func until the fifo is empty. Returns the
    /// entries handled. A panic inside propagates as the kernel's death (run it inside <see cref="Machine.Run{T}"/>).
    /// </summary>
    public int RunPending()
    {
        var machine = _mf.Machine;
        var handled = 0;
        for (var cpu = 0; cpu < _fifo.Length; cpu++)
        {
            if (!_scheduled[cpu])
            {
                continue;
            }

            _scheduled[cpu] = false;
            machine.Clock.Advance(_mf.Options.WorkerLatency);
            var kworker = _kworker[cpu] ??= machine.Tasks.CreateKthread($"kworker/{cpu}:1");
            var previousCpu = machine.CurrentCpuId;
            machine.CurrentCpuId = cpu;
            try
            {
                using (machine.Cpus[cpu].Enter(kworker, CpuMode.Kernel))
                {
                    handled += MemoryFailureWorkFunc(cpu);
                }

                // Entries queued by the work itself were drained with it.
                _scheduled[cpu] = false;
            }
            finally
            {
                machine.CurrentCpuId = previousCpu;
            }
        }

        return handled;
    }

    /// <summary>memory_failure_work_func(): drain one CPU's fifo; the return values are ignored.</summary>
    [KernelSymbol("mm/memory-failure.c", "memory_failure_work_func")]
    private int MemoryFailureWorkFunc(int cpu)
    {
        var handled = 0;
        using (_mf.Machine.Tracer.Enter("memory_failure_work_func"))
        {
            while (_fifo[cpu].TryDequeue(out var entry))
            {
                handled++;
                if ((entry.Flags & MfFlags.SoftOffline) != 0)
                {
                    _mf.SoftOfflinePage(entry.Pfn, entry.Flags);
                }
                else
                {
                    _mf.MemoryFailure(entry.Pfn, entry.Flags);
                }
            }
        }

        return handled;
    }
}
