using KernelModel.Mm;

namespace KernelModel.Simulation.Simulate;

/// <summary>A syscall a workload made and what it returned (negative: -errno).</summary>
/// <param name="Nanoseconds">Virtual time.</param>
/// <param name="Comm">The calling process.</param>
/// <param name="Name">The syscall.</param>
/// <param name="Ret">Its return value.</param>
public sealed record SyscallEvent(long Nanoseconds, string Comm, string Name, long Ret);

/// <summary>What a workload works with: the machine, its random source, and the record of syscalls and restarts.</summary>
public sealed class WorkloadContext(Machine machine)
{
    private readonly List<SyscallEvent> _failed = [];
    private readonly List<TaskStruct> _released = [];

    /// <summary>The machine.</summary>
    public Machine Machine { get; } = machine;

    /// <summary>The machine's seeded random source.</summary>
    public Random Random => Machine.Random;

    /// <summary>Syscalls that failed, in order.</summary>
    public IReadOnlyList<SyscallEvent> FailedSyscalls => _failed;

    /// <summary>Dead processes reaped and released since the observer last looked at them (<see cref="ClearReleased"/>).</summary>
    public IReadOnlyList<TaskStruct> Released => _released;

    /// <summary>Processes started again after they died.</summary>
    public int Restarts { get; private set; }

    /// <summary>Records a syscall's return and passes it on.</summary>
    public long Syscall(TaskStruct task, string name, long ret)
    {
        if (ret < 0)
        {
            _failed.Add(new SyscallEvent(Machine.Clock.Nanoseconds, task.Comm, name, ret));
        }

        return ret;
    }

    /// <summary>
    /// The process in <paramref name="slot"/>, started by <paramref name="start"/> when there is none yet or it died;
    /// a dead one is reaped first (its address space torn down, as do_exit's exit_mm does).
    /// </summary>
    public TaskStruct Ensure(ref TaskStruct? slot, Func<TaskStruct> start)
    {
        if (slot is { IsAlive: true })
        {
            return slot;
        }

        if (slot is not null)
        {
            Reap(slot);
            Restarts++;
        }

        slot = start();
        return slot;
    }

    /// <summary>
    /// Tears a dead or exiting process's address space down (exit_mmap); a dead one is then released (its parent
    /// reaped it), so the task list holds only what still runs and a long simulation does not slow down.
    /// </summary>
    public void Reap(TaskStruct task)
    {
        if (task.Mm is { } mm && mm.Owner == task && mm.Vmas.Count > 0)
        {
            Unmap.ExitMmap(Machine, mm);
        }

        if (!task.IsAlive && Machine.Tasks.ReleaseTask(task))
        {
            _released.Add(task);
        }
    }

    /// <summary>Empties <see cref="Released"/>: the observer has looked at those tasks.</summary>
    public void ClearReleased() => _released.Clear();

    /// <summary>A random element.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    /// <summary>The task reads the whole page at <paramref name="va"/> (a user load of every line).</summary>
    public UserAccessResult ReadPage(TaskStruct task, ulong va) =>
        UserAccess.Read(Machine, task, va & ~(ulong)(PhysicalMemory.PageSize - 1), new byte[PhysicalMemory.PageSize]);

    /// <summary>The task writes 64 bytes at the start of a random line of the page at <paramref name="va"/>.</summary>
    public UserAccessResult WriteLine(TaskStruct task, ulong va, byte value)
    {
        var line = (ulong)Random.Next(PhysicalMemory.PageSize / PhysicalMemory.LineSize) * PhysicalMemory.LineSize;
        return UserAccess.Write(Machine, task, (va & ~(ulong)(PhysicalMemory.PageSize - 1)) + line, Enumerable.Repeat(value, PhysicalMemory.LineSize).ToArray());
    }
}
