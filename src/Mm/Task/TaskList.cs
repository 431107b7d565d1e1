namespace KernelModel.Mm;

/// <summary>The machine's tasks by pid (the kernel's pid hash and thread groups). Pids count up from 1.</summary>
public sealed class TaskList
{
    private readonly SortedDictionary<int, TaskStruct> _byPid = [];
    private int _lastPid;

    /// <summary>Where new processes' mmap layouts start (mmap_base for this machine's TASK_SIZE).</summary>
    public ulong MmapBase { get; set; } = MmStruct.MmapBase;

    /// <summary>Every task, in pid order.</summary>
    public IEnumerable<TaskStruct> All => _byPid.Values;

    /// <summary>Every live task with an mm (user processes and their threads), in pid order.</summary>
    public IEnumerable<TaskStruct> UserTasks => _byPid.Values.Where(t => t.IsAlive && t.Mm is not null);

    /// <summary>find_task_by_vpid().</summary>
    public TaskStruct? Find(int pid) => _byPid.GetValueOrDefault(pid);

    /// <summary>A new process (thread-group leader) with an empty address space.</summary>
    public TaskStruct CreateProcess(string comm, TaskStruct? parent = null)
    {
        var pid = ++_lastPid;
        var task = new TaskStruct(pid, pid, comm, new MmStruct(MmapBase), parent);
        task.Mm!.Owner = task;
        _byPid.Add(pid, task);
        return task;
    }

    /// <summary>A process for a child that already has its address space (fork).</summary>
    public TaskStruct CreateProcess(string comm, MmStruct mm, TaskStruct parent)
    {
        var pid = ++_lastPid;
        var task = new TaskStruct(pid, pid, comm, mm, parent);
        mm.Owner = task;
        task.Flags = parent.Flags & (TaskFlags.MceProcess | TaskFlags.MceEarly);
        task.Capabilities.UnionWith(parent.Capabilities);
        _byPid.Add(pid, task);
        return task;
    }

    /// <summary>A new thread in <paramref name="leader"/>'s process, sharing its mm.</summary>
    public TaskStruct CreateThread(TaskStruct leader, string comm)
    {
        var pid = ++_lastPid;
        var task = new TaskStruct(pid, leader.Tgid, comm, leader.Mm, leader);
        task.Flags = leader.Flags & (TaskFlags.MceProcess | TaskFlags.MceEarly);
        task.Capabilities.UnionWith(leader.Capabilities);
        _byPid.Add(pid, task);
        return task;
    }

    /// <summary>A kernel thread (no mm, PF_KTHREAD), e.g. kworker or khugepaged.</summary>
    public TaskStruct CreateKthread(string comm)
    {
        var pid = ++_lastPid;
        var task = new TaskStruct(pid, pid, comm, null, null) { Flags = TaskFlags.Kthread };
        _byPid.Add(pid, task);
        return task;
    }

    /// <summary>
    /// release_task(): a dead task that its parent has reaped (wait4) leaves the task list; its pid is not reused.
    /// Returns whether it was listed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The task is still running.</exception>
    [KernelSymbol("kernel/exit.c", "release_task")]
    public bool ReleaseTask(TaskStruct task)
    {
        if (task.IsAlive)
        {
            throw new InvalidOperationException($"{task} is still running: only a dead task is released");
        }

        return _byPid.Remove(task.Pid);
    }

    /// <summary>The threads of a thread group, leader first.</summary>
    public IEnumerable<TaskStruct> ThreadGroup(int tgid) => _byPid.Values.Where(t => t.Tgid == tgid);
}
