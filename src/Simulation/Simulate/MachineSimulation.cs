using KernelModel.Hwpoison;
using KernelModel.Mm;
using KernelModel.Simulation.Fleet;
using KernelModel.Simulation.Reports;

namespace KernelModel.Simulation.Simulate;

/// <summary>
/// <c>kmodel simulate</c>'s engine: one machine of a profile running a workload mix in virtual time while errors
/// arrive. Everything runs on the machine's clock, in one thread: the scheduler steps the clock a tick at a time; the
/// patrol scrubber covers each tick's share of memory (reporting what it finds at the moment it reaches it); the
/// error injector poisons random lines of pages drawn by the memory composition; then every workload activity and
/// kernel actor that is due runs (khugepaged, ksmd, kcompactd as their kernel threads), each followed by the
/// memory_failure worker and the tasks' return to user mode. Every consumption is a load through the model's paths;
/// the trap record says who consumed what in which mode and whether the kernel survived.
/// </summary>
public sealed class MachineSimulation(ProfileCatalog profiles, WorkloadCatalog workloads)
{
    private const int KhugepagedRangesPerWake = 8;
    private const int CompactionWindow = 2048;

    /// <summary>The workloads.</summary>
    public WorkloadCatalog Workloads { get; } = workloads;

    /// <summary>Runs the machine for the options' duration (less if it panics or <paramref name="cancel"/> fires).</summary>
    /// <exception cref="ArgumentException">Invalid options; the message names the value and its range.</exception>
    public SimulationResult Run(SimulateOptions options, ProgressBar? progress, CancellationToken cancel)
    {
        options.Validate(profiles.All.Select(p => p.Name), Workloads);
        var mix = Workloads.Create(options.Workload);
        var machine = profiles.Boot(options.Profile, new MachineConfig
        {
            MemoryBytes = options.MemoryBytes, Nodes = options.Nodes, Cpus = options.Cpus, Seed = options.Seed, Hugepages2M = mix.Sum(w => w.Hugepages2M),
        });
        machine.Sysctl.Set("kernel.panic_on_oops", options.PanicOnOops ? "1" : "0");
        return new Runner(machine, options, mix).Go(progress, cancel);
    }

    private sealed class Runner(Machine machine, SimulateOptions options, IReadOnlyList<Workload> mix)
    {
        private readonly WorkloadContext _context = new(machine);
        private readonly List<SimulationEvent> _events = [];
        private readonly Dictionary<string, ConsumerCounts> _consumedBy = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _runs = new(StringComparer.Ordinal);
        private readonly HashSet<int> _deadSeen = [];
        private readonly HashSet<ulong> _scrubSeen = [];
        private readonly HashSet<ulong> _consumedLines = [];
        private readonly PatrolScrubber _scrubber = new(machine, options.ScrubPeriod);
        private readonly List<(string Name, TimeSpan Period, Action Step)> _actors = [];
        private int _khugepagedCursor;
        private int _handled;

        public SimulationResult Go(ProgressBar? progress, CancellationToken cancel)
        {
            Step("boot", () =>
            {
                foreach (var w in mix)
                {
                    w.Start(_context);
                }
            });
            foreach (var w in mix)
            {
                foreach (var a in w.Activities)
                {
                    _actors.Add(($"{w.Name}/{a.Name}", a.Period, () => a.Run(_context)));
                }
            }

            _actors.Add(("khugepaged", TimeSpan.FromMinutes(1), Khugepaged));
            _actors.Add(("ksmd", TimeSpan.FromMinutes(1), Ksmd));
            _actors.Add(("kcompactd0", TimeSpan.FromMinutes(10), Kcompactd));
            var end = SimulationEnd.Completed;
            var tickNs = options.Tick.Ticks * 100;
            var durationNs = options.Duration.Ticks * 100;
            for (long t = 0; t < durationNs && machine.State != MachineState.Panicked; t += tickNs)
            {
                if (cancel.IsCancellationRequested)
                {
                    end = SimulationEnd.Interrupted;
                    break;
                }

                var next = Math.Min(t + tickNs, durationNs);
                Inject(TimeSpan.FromTicks((next - t) / 100));
                Scrub(next);
                for (var i = 0; i < _actors.Count && machine.State != MachineState.Panicked; i++)
                {
                    var (name, period, step) = _actors[i];
                    if (next % (period.Ticks * 100) < tickNs)
                    {
                        machine.CurrentCpuId = i % machine.Cpus.Count;
                        Step(name, step);
                    }
                }

                progress?.Advance();
            }

            if (machine.State == MachineState.Panicked)
            {
                end = SimulationEnd.Panicked;
            }

            var mf = MemoryFailureHandler.Of(machine);
            return new SimulationResult
            {
                Options = options,
                Workloads = mix.Select(w => w.Name).ToArray(),
                End = end,
                Elapsed = machine.Clock.Now,
                Events = _events,
                ConsumedBy = _consumedBy,
                ActorRuns = _runs,
                WorkerHandled = _handled,
                MemoryFailures = (mf?.Events ?? []).GroupBy(e => $"{e.TypeName}: {e.Result.ActionName()}").OrderBy(g => g.Key, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
                PagesIsolated = mf?.NumPoisonedPages ?? 0,
                Restarts = _context.Restarts,
                PanicMessage = machine.PanicMessage,
                Dmesg = machine.Log.Dmesg().ToArray(),
            };
        }

        // Runs one actor's step, lets the kernel settle, and records what the step consumed and what came of it.
        private void Step(string actor, Action step)
        {
            var traps = machine.Traps.Count;
            var oopses = machine.OopsCount;
            var failed = _context.FailedSyscalls.Count;
            var lines = machine.Log.Lines.Count;
            _runs[actor] = _runs.GetValueOrDefault(actor) + 1;
            using (machine.CurrentCpu.Enter(null, CpuMode.Kernel))
            {
                machine.Run(() =>
                {
                    step();
                    return 0;
                });
                _handled += machine.Run(() => KernelSettle.Run(machine)).Value;
            }

            Observe(actor, traps, oopses, failed, lines);
        }

        private void Observe(string actor, int traps, int oopses, int failed, int lines)
        {
            var now = machine.Clock.Nanoseconds;
            for (var i = traps; i < machine.Traps.Count; i++)
            {
                var trap = machine.Traps[i];
                if (trap.Kind != TrapKind.HardwareError)
                {
                    continue;
                }

                var c = _consumedBy.GetValueOrDefault(actor, new ConsumerCounts(0, 0, 0));
                _consumedBy[actor] = trap.Mode == CpuMode.User ? c with { User = c.User + 1 }
                    : trap.Outcome == TrapOutcome.Died ? c with { KernelDied = c.KernelDied + 1 }
                    : c with { KernelFixup = c.KernelFixup + 1 };
                _consumedLines.Add((trap.PhysicalAddress ?? 0) & ~(ulong)(PhysicalMemory.LineSize - 1));
                var fate = trap.Mode == CpuMode.User ? "user mode" : trap.Outcome == TrapOutcome.Died ? "kernel mode, the kernel died" : "kernel mode, fixup taken";
                _events.Add(new SimulationEvent(now, SimulationEventKind.Consumed, actor,
                    $"{fate}: load at {trap.Site.Routine} of pa {Printf.HashLx(trap.PhysicalAddress ?? 0)}"));
            }

            if (machine.OopsCount > oopses)
            {
                // die() prints the architecture's oops line at KERN_EMERG before anything else of the death.
                var oops = machine.Log.Lines.Skip(lines).FirstOrDefault(l => l.Level == LogLevel.Emerg);
                _events.Add(new SimulationEvent(now, SimulationEventKind.Oops, actor, oops?.Text ?? "oops"));
            }

            // A task that died and was reaped within this step has left the task list but is looked at once more.
            var tasks = _context.Released.Count == 0 ? machine.Tasks.All : machine.Tasks.All.Concat(_context.Released).OrderBy(t => t.Pid);
            foreach (var task in tasks)
            {
                if (task.ExitState == TaskExitState.Killed && _deadSeen.Add(task.Pid) && task.ExitSignal is Signals.SIGBUS or Signals.SIGKILL)
                {
                    var info = task.Delivered.LastOrDefault(s => s.Signo == task.ExitSignal);
                    _events.Add(new SimulationEvent(now, SimulationEventKind.TaskKilled, actor,
                        $"{task}: {Signals.Name(task.ExitSignal)}{(info is null ? string.Empty : " " + Signals.CodeName(info.Signo, info.Code))}"));
                }
            }

            _context.ClearReleased();
            for (var i = failed; i < _context.FailedSyscalls.Count; i++)
            {
                var s = _context.FailedSyscalls[i];
                _events.Add(new SimulationEvent(now, SimulationEventKind.SyscallFailed, actor,
                    $"{s.Comm}: {s.Name} = -{Errno.Name((int)-s.Ret)}"));
            }

            if (machine.State == MachineState.Panicked)
            {
                _events.Add(new SimulationEvent(now, SimulationEventKind.Panic, actor, "Kernel panic - not syncing: " + machine.PanicMessage));
            }
        }

        // Poisson arrivals for this tick, each in a random line of a page drawn by the memory composition.
        private void Inject(TimeSpan tick)
        {
            var expected = options.ErrorRate * (options.MemoryBytes / 1e9) * tick.TotalHours;
            var n = Poisson(expected);
            if (n == 0)
            {
                return;
            }

            var pages = mix.SelectMany(w => w.Pages(_context)).ToLookup(p => p.Class, p => p.Page);
            var classes = Enum.GetValues<PageClass>().Where(c => c == PageClass.Free || pages[c].Any()).ToArray();
            var weights = classes.Select(c => FieldRates.Get("composition." + ClassName(c)).Default).ToArray();
            for (var i = 0; i < n; i++)
            {
                var cls = classes[Weighted(weights)];
                var page = cls == PageClass.Free ? FreePage() : _context.Pick(pages[cls].ToArray());
                if (page is null)
                {
                    continue;
                }

                var pa = page.PhysAddr + ((ulong)machine.Random.Next(PhysicalMemory.PageSize / PhysicalMemory.LineSize) << PhysicalMemory.LineShift);
                machine.Memory.InjectPoison(pa);
                _events.Add(new SimulationEvent(machine.Clock.Nanoseconds, SimulationEventKind.Injected, "injector",
                    $"{ClassName(cls)} page {Printf.HashLx(page.Pfn)}, line at pa {Printf.HashLx(pa)}"));
            }
        }

        // The scrubber covers memory up to the next tick, reporting each poisoned line at the moment it reaches it.
        private void Scrub(long next)
        {
            var found = new List<ulong>();
            Step("patrol scrubber", () => found.AddRange(_scrubber.Run(TimeSpan.FromTicks(Math.Max(0, next - machine.Clock.Nanoseconds) / 100))));
            // Found first: a line the scrubber reports before any load consumed it (later passes find known lines again).
            foreach (var pa in found.Where(pa => !_consumedLines.Contains(pa) && _scrubSeen.Add(pa)))
            {
                _events.Add(new SimulationEvent(machine.Clock.Nanoseconds, SimulationEventKind.ScrubFound, "patrol scrubber", $"line at pa {Printf.HashLx(pa)}"));
            }
        }

        // khugepaged: up to pages_to_scan (4096 pages, 8 PMD ranges) per wake, round robin over the ranges it may collapse.
        private void Khugepaged()
        {
            if (!machine.Mm.Kthread("khugepaged").IsAlive)
            {
                return;
            }

            var ranges = new List<(MmStruct Mm, ulong Address)>();
            foreach (var task in machine.Tasks.UserTasks.Where(t => t.Pid == t.Tgid))
            {
                foreach (var vma in task.Mm!.Vmas.Where(v => !v.IsHugetlb && (v.Flags & VmFlags.Nohugepage) == 0 && (v.IsAnonymous || v.File?.Kind == InodeKind.Shmem)))
                {
                    for (var a = (vma.Start + Memory.HpagePmdSize - 1) & ~(Memory.HpagePmdSize - 1); a + Memory.HpagePmdSize <= vma.End; a += Memory.HpagePmdSize)
                    {
                        ranges.Add((task.Mm, a));
                    }
                }
            }

            for (var n = 0; n < Math.Min(KhugepagedRangesPerWake, ranges.Count) && machine.Mm.Kthread("khugepaged").IsAlive; n++)
            {
                var (mm, address) = ranges[_khugepagedCursor++ % ranges.Count];
                KernelModel.Mm.Khugepaged.KhugepagedScan(machine, mm, address);
            }
        }

        // ksmd: a full scan of the mergeable memory per wake, while any process has some.
        private void Ksmd()
        {
            if (machine.Mm.Kthread("ksmd").IsAlive && machine.Tasks.UserTasks.Any(t => t.Mm!.Vmas.Any(v => (v.Flags & VmFlags.Mergeable) != 0)))
            {
                Ksm.KsmdScan(machine);
            }
        }

        // kcompactd: the migration scanner's window from the lowest used frame of node 0; the free scanner works down from the top.
        private void Kcompactd()
        {
            var zone = machine.Allocator.Zones[0];
            if (!machine.Mm.Kthread("kcompactd0").IsAlive)
            {
                return;
            }

            var used = mix.SelectMany(w => w.Pages(_context)).Where(p => p.Class is PageClass.Anon or PageClass.PageCache && p.Page.Nid == 0).Select(p => p.Page.Pfn).ToArray();
            if (used.Length > 0)
            {
                var start = used.Min();
                Compaction.CompactZone(machine, zone, start, start + CompactionWindow);
            }
        }

        private Page? FreePage()
        {
            for (var attempt = 0; attempt < 64; attempt++)
            {
                var pfn = (ulong)machine.Random.NextInt64((long)machine.Memory.MaxPfn);
                if (machine.Allocator.IsFreeBuddyPage(pfn))
                {
                    return machine.Memory.PfnToPage(pfn);
                }
            }

            return null;
        }

        private long Poisson(double lambda)
        {
            long count = 0;
            while (lambda > 0)
            {
                var step = Math.Min(lambda, 30);
                lambda -= step;
                var limit = Math.Exp(-step);
                var product = machine.Random.NextDouble();
                while (product > limit)
                {
                    count++;
                    product *= machine.Random.NextDouble();
                }
            }

            return count;
        }

        private int Weighted(double[] weights)
        {
            var x = machine.Random.NextDouble() * weights.Sum();
            for (var i = 0; i < weights.Length; i++)
            {
                x -= weights[i];
                if (x < 0)
                {
                    return i;
                }
            }

            return weights.Length - 1;
        }
    }

    /// <summary>A class's name in reports and in the composition parameters.</summary>
    public static string ClassName(PageClass c) => c switch
    {
        PageClass.Anon => "anon",
        PageClass.PageCache => "pagecache",
        PageClass.Slab => "slab",
        PageClass.Free => "free",
        _ => "hugetlb",
    };

}
