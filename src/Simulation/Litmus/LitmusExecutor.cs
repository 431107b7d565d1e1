using System.Globalization;
using KernelModel.Hwpoison;
using KernelModel.Mm;

namespace KernelModel.Simulation.Litmus;

/// <summary>
/// Runs a litmus file on the model: boots a machine of the profile like the QEMU guest, applies the kernel's version
/// options, performs each step as the task's syscall or user access, lets the kernel settle after it (the
/// memory_failure worker, every task's return to user), and observes the step in the canonical form the C runner
/// prints. Each step runs inside <see cref="Machine.Run{T}"/>, so a kernel death is an outcome, never an exception.
/// </summary>
public sealed class LitmusExecutor(ProfileCatalog profiles)
{
    /// <summary>Runs one file.</summary>
    /// <exception cref="ArgumentException">Unknown profile, or a step the model cannot perform (the message names it).</exception>
    public LitmusResult Run(LitmusFile file, string profile, LitmusKernel kernel)
    {
        var machine = profiles.Boot(profile, LitmusKernel.MachineConfig);
        var mf = MemoryFailureHandler.Of(machine);
        if (mf is not null)
        {
            mf.Options = kernel.Hwpoison;
        }

        var run = new LitmusRun(machine, file);
        var results = new List<StepResult>();
        foreach (var step in file.Steps)
        {
            results.Add(new StepResult(step, run.Execute(step)));
        }

        var console = machine.Log.Lines.Select(l => l.Text).Where(ConsoleFilter.IsRelevant).Select(ConsoleFilter.Normalize).ToArray();
        return new LitmusResult(file, results, console, Counters(mf));
    }

    // HardwareCorrupted in kB and node 0's memory_failure statistics, as deltas from boot; "-" where the kernel has none.
    private static Dictionary<string, string> Counters(MemoryFailureHandler? mf)
    {
        var counters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HardwareCorrupted"] = string.Create(CultureInfo.InvariantCulture, $"{mf?.HardwareCorruptedKb ?? 0:+0;-0;+0}kB"),
        };
        foreach (var name in LitmusParser.CounterNames.Skip(1))
        {
            var value = mf?.ReadNodeStat(0, name);
            counters[name] = value is null ? "-" : "+" + value.Trim();
        }

        return counters;
    }

    // One file's run: the tasks by name, the processes' litmus state, what each task has already reported.
    private sealed class LitmusRun
    {
        private readonly Machine _machine;
        private readonly LitmusFile _file;
        private readonly Dictionary<string, TaskStruct> _tasks = new(StringComparer.Ordinal);
        private readonly Dictionary<int, LitmusProcess> _processes = [];
        private readonly Dictionary<int, int> _reported = [];

        public LitmusRun(Machine machine, LitmusFile file)
        {
            _machine = machine;
            _file = file;
            foreach (var name in file.Processes)
            {
                var task = machine.Tasks.CreateProcess(name);
                task.Capabilities.Add(Capability.SysAdmin);
                Add(name, task, new LitmusProcess());
            }
        }

        public StepObservation Execute(LitmusStep step)
        {
            var task = _tasks[step.Task];
            var process = _processes[task.Tgid];
            if (process.DeathSignal != 0 || _machine.State == MachineState.Panicked)
            {
                return Dead(task, process);
            }

            var outcome = new Outcome();
            var cpu = _machine.CurrentCpu;
            using (cpu.Enter(null, CpuMode.Kernel))
            {
                _machine.Run(() => Perform(step, task, process, outcome));
                _machine.Run(Settle);
            }

            NoteDeaths();
            if (_machine.State == MachineState.Panicked)
            {
                return Dead(task, process);
            }

            var sig = Caught(task);
            if (process.DeathSignal != 0)
            {
                // A process that died in its step never reported the step's result.
                return new StepObservation("-", "-", sig, "-", "-", "killed:" + Signals.Name(process.DeathSignal));
            }

            const string exit = "alive";
            return outcome.Ret is { } ret
                ? new StepObservation(ret < 0 ? "-1" : ret.ToString(CultureInfo.InvariantCulture), ret < 0 ? Errno.Name((int)-ret) : "0", sig, outcome.Data, outcome.Map, exit)
                : new StepObservation("-", "-", sig, outcome.Data, outcome.Map, exit);
        }

        private StepObservation Dead(TaskStruct task, LitmusProcess process) =>
            new("-", "-", Caught(task), "-", "-", process.DeathSignal != 0 ? "killed:" + Signals.Name(process.DeathSignal) : "panic");

        private void Add(string name, TaskStruct task, LitmusProcess process)
        {
            _tasks[name] = task;
            _processes.TryAdd(task.Tgid, process);
            _reported[task.Pid] = 0;
        }

        // The signals the task's handler caught since it last reported: delivered ones, less the one that killed it.
        private string Caught(TaskStruct task)
        {
            var delivered = task.Delivered;
            var end = task.ExitState == TaskExitState.Killed ? delivered.Count - 1 : delivered.Count;
            var from = _reported[task.Pid];
            _reported[task.Pid] = delivered.Count;
            if (end <= from)
            {
                return "none";
            }

            var process = _processes[task.Tgid];
            return string.Join(',', delivered.Skip(from).Take(end - from).Select(s =>
                s.Signo == Signals.SIGBUS && s.Code is Signals.BUS_MCEERR_AR or Signals.BUS_MCEERR_AO
                    ? string.Create(CultureInfo.InvariantCulture, $"{Signals.Name(s.Signo)}/{Signals.CodeName(s.Signo, s.Code)}/{s.AddrLsb}@{process.Describe(s.Addr)}")
                    : $"{Signals.Name(s.Signo)}/{Signals.CodeName(s.Signo, s.Code)}@{process.Describe(s.Addr)}"));
        }

        // A task killed by a signal takes its whole thread group with it (do_group_exit).
        private void NoteDeaths()
        {
            foreach (var task in _tasks.Values.Where(t => t.ExitState == TaskExitState.Killed))
            {
                var process = _processes[task.Tgid];
                if (process.DeathSignal == 0)
                {
                    process.DeathSignal = task.ExitSignal;
                }
            }
        }

        // After each step, as ScenarioRunner does before anyone looks: the memory_failure worker drains its queue and
        // every task returns to user mode (task work, then signals), until neither made more work.
        private int Settle()
        {
            var queue = MemoryFailureHandler.Of(_machine)?.Queue;
            for (var round = 0; round < 8; round++)
            {
                var handled = queue?.RunPending() ?? 0;
                var tasks = _machine.Tasks.UserTasks.Where(t => t.TaskWork.Count > 0 || t.Pending.Any(p => !t.IsBlocked(p.Signo))).ToArray();
                foreach (var t in tasks)
                {
                    _machine.ReturnToUser(t);
                }

                if (handled == 0 && tasks.Length == 0)
                {
                    break;
                }
            }

            return 0;
        }

        private int Perform(LitmusStep step, TaskStruct task, LitmusProcess process, Outcome o)
        {
            var a = step.Args;
            switch (step.Op)
            {
                case "mmap":
                    o.Ret = Mmap(task, process, a);
                    break;
                case "munmap":
                    o.Ret = Munmap(task, process.Mapping(a[0]));
                    break;
                case "write":
                    o.Ret = null;
                    UserAccess.Write(_machine, task, Address(process, a[0], a[1]), Fill((byte)Number(a[2])));
                    break;
                case "read":
                    o.Ret = null;
                    var buffer = new byte[PhysicalMemory.PageSize];
                    if (UserAccess.Read(_machine, task, Address(process, a[0], a[1]), buffer).Outcome == UserAccessOutcome.Completed)
                    {
                        o.Data = DataOf(buffer, buffer.Length);
                    }

                    break;
                case "pagemap":
                    o.Ret = null;
                    o.Map = Pagemap(task, process, a[0], Number(a[1]));
                    break;
                case "pread":
                    var page = new byte[PhysicalMemory.PageSize];
                    o.Ret = FileIo.Pread(_machine, File(process, a[0]), Number(a[1]), page);
                    if (o.Ret > 0)
                    {
                        o.Data = DataOf(page, (int)o.Ret);
                    }

                    break;
                case "pwrite":
                    o.Ret = FileIo.Pwrite(_machine, File(process, a[0]), Number(a[1]), Fill((byte)Number(a[2])));
                    break;
                case "fsync":
                    o.Ret = FileIo.Fsync(_machine, File(process, a[0]));
                    break;
                case "ftruncate":
                    o.Ret = FileIo.Ftruncate(_machine, File(process, a[0]), Number(a[1]));
                    break;
                case "punch":
                    o.Ret = FileIo.PunchHole(_machine, File(process, a[0]), Number(a[1]), Number(a[2]));
                    break;
                case "madvise":
                    o.Ret = Madvise(task, process, a);
                    break;
                case "fork":
                    o.Ret = DoFork(task, process, a[0]);
                    break;
                case "thread":
                    var thread = _machine.Tasks.CreateThread(task, a[0]);
                    CopySignalState(task, thread);
                    thread.Capabilities.Clear();
                    thread.Capabilities.UnionWith(task.Capabilities);
                    thread.Flags = (thread.Flags & ~(TaskFlags.MceProcess | TaskFlags.MceEarly)) | (task.Flags & (TaskFlags.MceProcess | TaskFlags.MceEarly));
                    Add(a[0], thread, process);
                    o.Ret = 0;
                    break;
                case "sigaction":
                    // Dispositions belong to the process (sighand is shared by its threads).
                    var action = a[1] switch
                    {
                        "handler" => SignalAction.Handler,
                        "ignore" => SignalAction.Ignore,
                        "default" => SignalAction.Default,
                        _ => throw new ArgumentException($"{_file.Path}:{step.Line}: sigaction takes handler, default or ignore, not '{a[1]}'"),
                    };
                    foreach (var t in _machine.Tasks.ThreadGroup(task.Tgid))
                    {
                        t.SetAction(SignalNumber(a[0]), action);
                    }

                    o.Ret = 0;
                    break;
                case "sigmask":
                    task.SetBlocked(SignalNumber(a[0]), a[1] == "block");
                    o.Ret = 0;
                    break;
                case "sigpending":
                    // sigpending() reports the pending signals that are blocked.
                    var signo = SignalNumber(a[0]);
                    o.Ret = task.IsBlocked(signo) && task.Pending.Any(p => p.Signo == signo) ? 1 : 0;
                    break;
                case "signals":
                    o.Ret = null;
                    break;
                case "prctl":
                    o.Ret = Prctl(task, a);
                    break;
                case "sysctl":
                    o.Ret = Sysctl(a[0], a[1]);
                    break;
                case "drop-cap":
                    task.Capabilities.Remove(Capability.SysAdmin);
                    o.Ret = 0;
                    break;
                case "corrupt-pfn" or "unpoison-pfn" or "hard-offline" or "soft-offline":
                    o.Ret = Inject(task, process, step.Op, a);
                    break;
                case "inject-raw":
                    o.Ret = WriteInjector(task, a[0], a[1] + "\n");
                    break;
                case "poison":
                    o.Ret = null;
                    var (entry, _) = task.Mm!.PageTable.Walk(Address(process, a[0], a[1]));
                    if (!entry.IsPresent)
                    {
                        throw new ArgumentException($"{_file.Path}:{step.Line}: poison needs a present page at {a[0]} {a[1]}");
                    }

                    _machine.Memory.InjectPoison((FrameOf(task, Address(process, a[0], a[1])) << PhysicalMemory.PageShift) + Number(a[2]));
                    break;
                case "poison-cache":
                    o.Ret = null;
                    var inode = File(process, a[0]).Inode;
                    var folio = _machine.Filemap.ReadCacheFolio(inode, Number(a[1])) ?? throw new InvalidOperationException("out of memory");
                    _machine.Memory.InjectPoison(folio.PageAt(_machine.Memory, Number(a[1]) - folio.Index).PhysAddr + Number(a[2]));
                    break;
                default:
                    throw new ArgumentException($"{_file.Path}:{step.Line}: the model cannot perform '{step.Op}'");
            }

            return 0;
        }

        private long Mmap(TaskStruct task, LitmusProcess process, IReadOnlyList<string> a)
        {
            var (name, kind, shared, length) = (a[0], a[1], a[2] == "shared", Number(a[3]) << PhysicalMemory.PageShift);
            var thp = a.Count > 4 ? a[4] : null;
            var flags = VmFlags.Read | VmFlags.Write | (shared ? VmFlags.Shared | VmFlags.MayShare : VmFlags.None)
                | (thp == "thp" ? VmFlags.Hugepage : thp == "nothp" ? VmFlags.Nohugepage : VmFlags.None);
            var mm = task.Mm!;
            OpenFile? file = null;
            Vma vma;
            switch (kind)
            {
                case "anon" when !shared:
                    vma = mm.Mmap(length, flags, align: thp == "thp" ? Memory.HpagePmdSize : PhysicalMemory.PageSize);
                    break;
                case "hugetlb":
                    var h = _machine.Hugetlb.SizeToHstate(Memory.HpagePmdSize) ?? throw new ArgumentException("the machine has no 2 MiB hstate");
                    vma = Hugetlb.MmapHugetlb(mm, h, length, flags);
                    break;
                case "anon" or "shmem" or "memfd" or "file":
                    // A shared anonymous mapping is a shmem file too (shmem_zero_setup).
                    var inode = _machine.Filemap.CreateFile($"{_file.Id}-{name}", kind == "file" ? InodeKind.Regular : InodeKind.Shmem, length);
                    file = new OpenFile(inode);
                    vma = mm.Mmap(length, flags, inode, align: thp == "thp" ? Memory.HpagePmdSize : PhysicalMemory.PageSize);
                    break;
                default:
                    throw new ArgumentException($"{_file.Path}: unknown mapping kind '{kind}': valid are anon, file, shmem, memfd, hugetlb");
            }

            process.AddMapping(name, new LitmusMapping(vma.Start, vma.Length, file));
            return 0;
        }

        private long Munmap(TaskStruct task, LitmusMapping mapping)
        {
            if (task.Mm!.FindVma(mapping.Start) is { } vma && vma.Start == mapping.Start)
            {
                Unmap.ZapVma(_machine, vma);
                task.Mm.RemoveVma(vma);
            }

            return 0;
        }

        private long Madvise(TaskStruct task, LitmusProcess process, IReadOnlyList<string> a)
        {
            var start = Address(process, a[0], a[1]);
            var length = Number(a[2]) << PhysicalMemory.PageShift;
            switch (a[3])
            {
                case "hwpoison":
                    return MadviseInjectError.Madvise(_machine, task, start, length, MadviseInjectError.MadvHwpoison);
                case "soft-offline":
                    return MadviseInjectError.Madvise(_machine, task, start, length, MadviseInjectError.MadvSoftOffline);
                case "collapse":
                    return Khugepaged.MadviseCollapse(_machine, task, start, length);
                default:
                    throw new ArgumentException($"madvise advice '{a[3]}' is not modelled: the model has hwpoison, soft-offline and collapse");
            }
        }

        private long DoFork(TaskStruct parent, LitmusProcess process, string name)
        {
            var pid = Fork.KernelClone(_machine, parent);
            if (pid < 0)
            {
                return pid;
            }

            var child = _machine.Tasks.Find(pid)!;
            child.SetComm(name);
            CopySignalState(parent, child);
            Add(name, child, process.Fork());
            return 0;
        }

        // copy_sighand and the signal mask: a new task starts with its creator's dispositions and blocked set.
        private static void CopySignalState(TaskStruct from, TaskStruct to)
        {
            foreach (var signo in new[] { Signals.SIGBUS, Signals.SIGSEGV })
            {
                to.SetAction(signo, from.ActionOf(signo));
                to.SetBlocked(signo, from.IsBlocked(signo));
            }
        }

        private static long Prctl(TaskStruct task, IReadOnlyList<string> a) => a[0] switch
        {
            "mce-kill" when a.Count == 2 => a[1] switch
            {
                "clear" => PrctlMceKill.Prctl(task, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillClear),
                "early" => PrctlMceKill.Prctl(task, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillSet, PrctlMceKill.PrMceKillEarly),
                "late" => PrctlMceKill.Prctl(task, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillSet, PrctlMceKill.PrMceKillLate),
                "default" => PrctlMceKill.Prctl(task, PrctlMceKill.PrMceKill, PrctlMceKill.PrMceKillSet, PrctlMceKill.PrMceKillDefault),
                _ => throw new ArgumentException($"prctl mce-kill takes clear, early, late or default, not '{a[1]}'"),
            },
            "mce-kill-get" => PrctlMceKill.Prctl(task, PrctlMceKill.PrMceKillGet, 0),
            "raw" when a.Count == 6 => PrctlMceKill.Prctl(task, (int)Number(a[1]), Number(a[2]), Number(a[3]), Number(a[4]), Number(a[5])),
            _ => throw new ArgumentException("prctl takes mce-kill MODE, mce-kill-get, or raw OPTION ARG2 ARG3 ARG4 ARG5"),
        };

        // A write to /proc/sys: ENOENT for a file that does not exist, EINVAL for a value out of range.
        private long Sysctl(string name, string value)
        {
            if (!_machine.Sysctl.Names.Contains(name))
            {
                return -Errno.ENOENT;
            }

            try
            {
                _machine.Sysctl.Set(name, value);
                return 0;
            }
            catch (ArgumentException)
            {
                return -Errno.EINVAL;
            }
        }

        // The frame an injection targets: pfn:N, the page's present frame, or the frame it was last seen at.
        private long Inject(TaskStruct task, LitmusProcess process, string op, IReadOnlyList<string> a)
        {
            ulong pfn;
            if (a[0].StartsWith("pfn:", StringComparison.Ordinal))
            {
                pfn = Number(a[0][4..]);
            }
            else
            {
                var page = a.Count > 1 ? Number(a[1]) : 0;
                var va = Address(process, a[0], page.ToString(CultureInfo.InvariantCulture));
                if (task.Mm!.FindVma(va) is not null && task.Mm.PageTable.Walk(va).Entry.IsPresent && task.Capable(Capability.SysAdmin))
                {
                    process.SeeFrame(a[0], page, FrameOf(task, va));
                }

                if (process.LastFrame(a[0], page) is not { } seen)
                {
                    return -Errno.ENOENT;
                }

                pfn = seen;
            }

            var text = string.Create(CultureInfo.InvariantCulture, $"0x{(op is "hard-offline" or "soft-offline" ? pfn << PhysicalMemory.PageShift : pfn):x}\n");
            return WriteInjector(task, op, text);
        }

        // write(2) to the debugfs or sysfs file: 0 for a complete write, else -errno.
        private long WriteInjector(TaskStruct task, string file, string text)
        {
            long ret = file switch
            {
                "corrupt-pfn" or "unpoison-pfn" => new HwpoisonInject(_machine).Write(task, file, text),
                "hard-offline" => MemoryOffline.Store(_machine, task, "hard_offline_page", text),
                "soft-offline" => MemoryOffline.Store(_machine, task, "soft_offline_page", text),
                _ => throw new ArgumentException($"unknown injector '{file}': valid are corrupt-pfn, unpoison-pfn, hard-offline, soft-offline"),
            };
            return ret < 0 ? ret : 0;
        }

        // /proc/self/pagemap of one page (fs/proc/task_mmu.c): present (new, same or changed frame), swap (a swap or
        // hwpoison entry), none.
        [KernelSymbol("fs/proc/task_mmu.c", "pagemap_pmd_range")]
        [KernelSymbol("fs/proc/task_mmu.c", "pagemap_hugetlb_range")]
        private string Pagemap(TaskStruct task, LitmusProcess process, string map, ulong page)
        {
            var va = Address(process, map, page.ToString(CultureInfo.InvariantCulture));
            if (task.Mm!.FindVma(va) is null)
            {
                return "none";
            }

            // pagemap_hugetlb_range() reports present huge entries only: a hwpoison hugetlb entry reads as none.
            var (entry, _) = task.Mm.PageTable.Walk(va);
            return entry.Kind switch
            {
                PteKind.Present => process.SeeFrame(map, page, FrameOf(task, va)),
                PteKind.None => "none",
                _ when task.Mm.FindVma(va)!.IsHugetlb => "none",
                _ => "swap",
            };
        }

        // The frame behind a present entry, for the 4 KiB page at va inside a huge leaf too.
        private static ulong FrameOf(TaskStruct task, ulong va)
        {
            var (entry, level) = task.Mm!.PageTable.Walk(va);
            return entry.Pfn + ((va & ((1UL << (int)level) - 1)) >> PhysicalMemory.PageShift);
        }

        private static OpenFile File(LitmusProcess process, string map) =>
            process.Mapping(map).File ?? throw new ArgumentException($"mapping '{map}' has no file: file operations need a file, shmem or memfd mapping");

        // PAGE[+BYTES] inside mapping MAP.
        private static ulong Address(LitmusProcess process, string map, string where)
        {
            var plus = where.IndexOf('+', StringComparison.Ordinal);
            var page = Number(plus < 0 ? where : where[..plus]);
            var offset = plus < 0 ? 0 : Number(where[(plus + 1)..]);
            return process.Mapping(map).Start + (page << PhysicalMemory.PageShift) + offset;
        }

        private static int SignalNumber(string name) => name switch
        {
            "SIGBUS" => Signals.SIGBUS,
            "SIGSEGV" => Signals.SIGSEGV,
            _ => throw new ArgumentException($"unknown signal '{name}': valid are SIGBUS, SIGSEGV"),
        };

        private static byte[] Fill(byte value)
        {
            var data = new byte[PhysicalMemory.PageSize];
            Array.Fill(data, value);
            return data;
        }

        private static string DataOf(byte[] buffer, int count) =>
            buffer.AsSpan(0, count).IndexOfAnyExcept(buffer[0]) >= 0 ? "mixed" : string.Create(CultureInfo.InvariantCulture, $"0x{buffer[0]:x2}");

        // strtoul(s, NULL, 0): decimal, 0x hex or 0 octal.
        private static ulong Number(string text)
        {
            var ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v)
                : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out v);
            return ok ? v : throw new ArgumentException($"'{text}' is not a number (decimal or 0x hex)");
        }
    }

    // What one step produced besides its signals and the exit state.
    private sealed class Outcome
    {
        public long? Ret { get; set; } = 0;

        public string Data { get; set; } = "-";

        public string Map { get; set; } = "-";
    }
}
