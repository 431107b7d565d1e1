using System.Globalization;
using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation;

/// <summary>
/// One <c>kmodel inject</c> run: a machine of the chosen profile and kernel options, a page built in the chosen
/// state, the task that makes the call (the page's owner, or a root process), the calls as they return, and,
/// once the kernel has settled (queued work run, every task back in user space), what happened.
/// </summary>
internal sealed class InjectSession
{
    private readonly List<(string Call, long? Ret)> _calls = [];
    private readonly List<string> _notes = [];

    private InjectSession(Machine machine, MemoryFailureHandler mf, TargetPage target, TaskStruct caller, string profile, string kernel)
    {
        Machine = machine;
        Mf = mf;
        Target = target;
        Caller = caller;
        Profile = profile;
        Kernel = kernel;
    }

    public Machine Machine { get; }

    public MemoryFailureHandler Mf { get; }

    public TargetPage Target { get; }

    /// <summary>The task making the calls: the page's owner, or "root" for kernel and free pages.</summary>
    public TaskStruct Caller { get; }

    public string Profile { get; }

    public string Kernel { get; }

    /// <summary>Each call and its return value (null when the kernel died in it).</summary>
    public IReadOnlyList<(string Call, long? Ret)> Calls => _calls;

    /// <summary>Boots and prepares a session from the common options.</summary>
    /// <exception cref="ArgumentException">Bad profile, kernel, option, sysctl, page kind or policy.</exception>
    public static InjectSession Start(ProfileCatalog profiles, InjectSettings s)
    {
        var options = HwpoisonOptions.Parse(s.Kernel, s.Options);
        var kind = TargetPageBuilder.Parse(s.Page);
        if (s.Mappers is < 0 or > 8)
        {
            throw new ArgumentException($"invalid --mappers {s.Mappers}: valid values are 0..8");
        }

        var machine = profiles.Boot(s.Profile, new MachineConfig { MemoryBytes = 1UL << 30, Cpus = 2, Seed = s.Seed, Hugepages2M = 2 });
        var mf = MemoryFailureHandler.Of(machine)
            ?? throw new ArgumentException($"profile '{s.Profile}' was booted without memory_failure (CONFIG_MEMORY_FAILURE=n)");
        mf.Options = options;
        foreach (var item in s.Sysctls)
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ArgumentException($"invalid --sysctl '{item}': write it as name=value, e.g. vm.memory_failure_early_kill=1");
            }

            machine.Sysctl.Set(item[..eq], item[(eq + 1)..]);
        }

        TargetPage target;
        try
        {
            target = new TargetPageBuilder(machine).Build(kind, s.Mappers, s.Subpage);
        }
        catch (ArgumentOutOfRangeException bad)
        {
            throw new ArgumentException($"invalid --subpage {s.Subpage} for page kind '{s.Page}': {bad.Message.Split(Environment.NewLine)[0]}");
        }

        var caller = target.Owner ?? machine.Tasks.CreateProcess("root");
        if (!s.NoCapSysAdmin)
        {
            caller.Capabilities.Add(Capability.SysAdmin);
        }

        if (s.MceKill is { } policy)
        {
            var arg3 = policy switch
            {
                "early" => PrctlMceKill.PrMceKillEarly,
                "late" => PrctlMceKill.PrMceKillLate,
                "default" => PrctlMceKill.PrMceKillDefault,
                _ => throw new ArgumentException($"invalid --mce-kill '{policy}': valid are early, late, default"),
            };
            foreach (var t in target.Mappers)
            {
                PrctlMceKill.Prctl(t, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillSet, arg3);
            }
        }

        return new InjectSession(machine, mf, target, caller, s.Profile, s.Kernel);
    }

    /// <summary>What happened besides the calls (a user access and how it ended).</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>Records a note.</summary>
    public void Note(string text) => _notes.Add(text);

    /// <summary>Runs one call as the kernel would (a death is recorded, not thrown) and records its return.</summary>
    public void Call(string description, Func<long> call)
    {
        var run = Machine.Run(call);
        _calls.Add((description, run.Completed ? run.Value : null));
    }

    /// <summary>The owner's address of the target page.</summary>
    /// <exception cref="ArgumentException">The page kind is not mapped by a process.</exception>
    public ulong OwnerAddress(string interfaceName) => Target.Address ?? throw new ArgumentException(
        $"page kind '{TargetPageBuilder.NameOf(Target.Kind)}' is not mapped by a process; {interfaceName} needs one of " +
        string.Join(", ", TargetPageBuilder.Names.Keys.Where(n => n is not ("free-buddy" or "reserved" or "slab" or "truncated-lru" or "hugetlb-free"))));

    /// <summary>Lets the kernel settle: the queued memory-failure work runs, then every live task returns to user space.</summary>
    public void Settle()
    {
        for (var i = 0; i < 4 && Mf.Queue.HasPendingWork && Machine.State == MachineState.Running; i++)
        {
            Machine.Run(Mf.Queue.RunPending);
        }

        if (Machine.State != MachineState.Running)
        {
            return;
        }

        foreach (var task in Machine.Tasks.UserTasks.ToArray())
        {
            Machine.Run(() =>
            {
                Machine.ReturnToUser(task);
                return 0;
            });
        }
    }

    /// <summary>"0" or e.g. "-EBUSY (-16)" for a return value.</summary>
    public static string Ret(long ret) => ret < 0
        ? string.Create(CultureInfo.InvariantCulture, $"-{Errno.Name((int)-ret)} ({ret})")
        : ret.ToString(CultureInfo.InvariantCulture);
}
