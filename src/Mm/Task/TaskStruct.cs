namespace KernelModel.Mm;

/// <summary>
/// task_struct (include/linux/sched.h): one thread. Threads of a process share <see cref="Mm"/> and
/// <see cref="Tgid"/>. Signals queue in <see cref="Pending"/> and are acted on when the task returns to
/// user space (<see cref="DeliverSignals"/>).
/// </summary>
[KernelSymbol("include/linux/sched.h", "task_struct")]
public sealed class TaskStruct
{
    private readonly List<SigInfo> _pending = [];
    private readonly List<SigInfo> _delivered = [];
    private readonly Dictionary<int, SignalAction> _actions = [];
    private readonly HashSet<int> _blocked = [];
    private readonly Queue<TaskWork> _taskWork = new();

    internal TaskStruct(int pid, int tgid, string comm, MmStruct? mm, TaskStruct? parent)
    {
        Pid = pid;
        Tgid = tgid;
        Comm = comm.Length > 15 ? comm[..15] : comm;
        Mm = mm;
        Parent = parent;
    }

    /// <summary>Thread id.</summary>
    public int Pid { get; }

    /// <summary>Thread-group id: the process id.</summary>
    public int Tgid { get; }

    /// <summary>comm: the executable name, at most 15 characters (TASK_COMM_LEN - 1).</summary>
    public string Comm { get; private set; }

    /// <summary>The address space; null for kernel threads.</summary>
    public MmStruct? Mm { get; internal set; }

    /// <summary>real_parent.</summary>
    public TaskStruct? Parent { get; }

    /// <summary>PF_* flags, including the PR_MCE_KILL policy bits.</summary>
    public TaskFlags Flags { get; set; }

    /// <summary>Effective capabilities.</summary>
    public HashSet<Capability> Capabilities { get; } = [];

    /// <summary>Signals queued and not yet acted on.</summary>
    public IReadOnlyList<SigInfo> Pending => _pending;

    /// <summary>Signals that reached the task (handled, or the one that killed it).</summary>
    public IReadOnlyList<SigInfo> Delivered => _delivered;

    /// <summary>Running, exited, or killed.</summary>
    public TaskExitState ExitState { get; private set; }

    /// <summary>The signal that killed the task, when <see cref="ExitState"/> is Killed.</summary>
    public int ExitSignal { get; private set; }

    /// <summary>Whether the task dumped core when it died.</summary>
    public bool CoreDumped { get; private set; }

    /// <summary>Whether this is a kernel thread (PF_KTHREAD).</summary>
    public bool IsKthread => (Flags & TaskFlags.Kthread) != 0;

    /// <summary>Whether the task is still alive.</summary>
    public bool IsAlive => ExitState == TaskExitState.Running;

    /// <summary>__set_task_comm() (prctl(PR_SET_NAME)): renames the thread, cut to 15 characters as comm is.</summary>
    [KernelSymbol("fs/exec.c", "__set_task_comm")]
    public void SetComm(string comm) => Comm = comm.Length > 15 ? comm[..15] : comm;

    /// <summary>capable().</summary>
    [KernelSymbol("kernel/capability.c", "capable")]
    public bool Capable(Capability cap) => Capabilities.Contains(cap);

    /// <summary>task_work_add(): work to run when the task next returns to user mode.</summary>
    [KernelSymbol("kernel/task_work.c", "task_work_add")]
    public void AddTaskWork(TaskWork work) => _taskWork.Enqueue(work);

    /// <summary>The task work still queued.</summary>
    public IReadOnlyCollection<TaskWork> TaskWork => _taskWork;

    /// <summary>Takes the next queued task work, or null.</summary>
    internal TaskWork? TakeTaskWork() => _taskWork.TryDequeue(out var w) ? w : null;

    /// <summary>sigaction(): sets the disposition of a signal.</summary>
    public void SetAction(int signo, SignalAction action) => _actions[signo] = action;

    /// <summary>The disposition of a signal.</summary>
    public SignalAction ActionOf(int signo) => _actions.GetValueOrDefault(signo, SignalAction.Default);

    /// <summary>sigprocmask(): blocks or unblocks a signal.</summary>
    public void SetBlocked(int signo, bool blocked)
    {
        if (blocked)
        {
            _blocked.Add(signo);
        }
        else
        {
            _blocked.Remove(signo);
        }
    }

    /// <summary>Whether a signal is blocked.</summary>
    public bool IsBlocked(int signo) => _blocked.Contains(signo);

    /// <summary>
    /// Queues a signal. A forced signal (force_sig_info_to_task) cannot be blocked or ignored: when it is blocked or
    /// ignored the kernel resets the disposition to the default (a blocked handler does not run) and unblocks it. A
    /// standard signal already pending is not queued twice (legacy_queue); siginfo of the second is lost.
    /// </summary>
    [KernelSymbol("kernel/signal.c", "force_sig_info_to_task")]
    [KernelSymbol("kernel/signal.c", "legacy_queue")]
    public void SendSignal(SigInfo info, bool force)
    {
        if (!IsAlive)
        {
            return;
        }

        if (force)
        {
            if (IsBlocked(info.Signo) || ActionOf(info.Signo) == SignalAction.Ignore)
            {
                _actions[info.Signo] = SignalAction.Default;
            }

            _blocked.Remove(info.Signo);
        }
        else if (ActionOf(info.Signo) == SignalAction.Ignore && info.Signo != Signals.SIGKILL)
        {
            return;
        }

        if (info.Signo < Signals.SIGRTMIN && _pending.Any(p => p.Signo == info.Signo))
        {
            return;
        }

        _pending.Add(info);
    }

    /// <summary>
    /// Acts on pending signals as the task returns to user mode (get_signal): handled ones are delivered,
    /// a default fatal one kills the task (SIGKILL always does); blocked ones stay pending.
    /// </summary>
    [KernelSymbol("kernel/signal.c", "get_signal")]
    public void DeliverSignals()
    {
        for (var i = 0; i < _pending.Count && IsAlive;)
        {
            var info = _pending[i];
            if (info.Signo != Signals.SIGKILL && IsBlocked(info.Signo))
            {
                i++;
                continue;
            }

            _pending.RemoveAt(i);
            _delivered.Add(info);
            if (info.Signo == Signals.SIGKILL || ActionOf(info.Signo) == SignalAction.Default)
            {
                Kill(info.Signo, coreDump: info.Signo is Signals.SIGBUS or Signals.SIGSEGV);
            }
        }
    }

    /// <summary>
    /// The task dies of a signal: do_group_exit for a signal's default action (SIGBUS and SIGSEGV dump core), or
    /// make_task_dead after an oops (no core).
    /// </summary>
    internal void Kill(int signo, bool coreDump)
    {
        ExitState = TaskExitState.Killed;
        ExitSignal = signo;
        CoreDumped = coreDump;
        Flags |= TaskFlags.Exiting | TaskFlags.Signaled;
        _pending.Clear();
    }

    /// <summary>exit(2).</summary>
    public void Exit()
    {
        ExitState = TaskExitState.Exited;
        Flags |= TaskFlags.Exiting;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Comm}:{Pid}";
}
