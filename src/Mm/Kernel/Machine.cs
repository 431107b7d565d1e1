namespace KernelModel.Mm;

/// <summary>
/// One simulated machine: its memory and CPUs, and the kernel running on it (allocator, tasks, page cache,
/// console, sysctls), with the architecture and the memory-failure handler plugged in through the contracts
/// this project owns. Everything random comes from <see cref="Random"/> (seeded) and all time from
/// <see cref="Clock"/>.
/// </summary>
public sealed class Machine
{
    private readonly List<TrapEvent> _traps = [];

    // An array, not the IReadOnlyList the property shows: every copy asks for the current CPU.
    private readonly Cpu[] _cpus;

    // The architecture's PAGE_OFFSET, read once: page_address() runs on every page copy.
    private readonly ulong _pageOffset;
    private int _oopsCount;

    /// <summary>Boots a machine.</summary>
    /// <param name="config">Its shape; validated here.</param>
    /// <param name="architecture">Builds the architecture for this machine.</param>
    /// <param name="memoryFailure">Builds the memory-failure handler; null means CONFIG_MEMORY_FAILURE=n.</param>
    /// <param name="ghes">Builds the firmware-first (GHES) handler; null means no GHES error source.</param>
    public Machine(MachineConfig config, Func<Machine, IArchitecture> architecture, Func<Machine, IMemoryFailure>? memoryFailure = null,
        Func<Machine, IGhes>? ghes = null)
    {
        config.Validate();
        Config = config;
        Clock = new VirtualClock();
        Log = new KernelLog(Clock);
        Log.Logged += line => Tracer.Note(line.Text);
        Random = new Random(config.Seed);
        Memory = new PhysicalMemory(config.MemoryBytes, config.Nodes);
        Allocator = new PageAllocator(Memory, config.ReservedBytes >> PhysicalMemory.PageShift);
        Hugetlb = new HugetlbPool(Allocator, config.HugetlbOrders);
        if (Hugetlb.SizeToHstate(2UL << 20) is { } h2 && Hugetlb.Grow(h2, config.Hugepages2M) < config.Hugepages2M ||
            Hugetlb.SizeToHstate(1UL << 30) is { } h1 && Hugetlb.Grow(h1, config.Hugepages1G) < config.Hugepages1G)
        {
            throw new ArgumentException("not enough memory for the requested huge pages");
        }

        _cpus = Enumerable.Range(0, config.Cpus).Select(i => new Cpu(this, i)).ToArray();
        CurrentCpu = _cpus[0];
        Filemap = new Filemap(this);
        Mm = new MmGlobals(this);
        Arch = architecture(this);
        _pageOffset = Arch.PageOffset;
        Tasks.MmapBase = MmStruct.MmapBaseFor(Arch.TaskSize);
        MemoryFailureHandler = memoryFailure?.Invoke(this) ?? new MemoryFailureNotConfigured();
        Ghes = ghes?.Invoke(this) ?? new GhesNotConfigured();
    }

    /// <summary>The configuration it was booted with.</summary>
    public MachineConfig Config { get; }

    /// <summary>Virtual time.</summary>
    public VirtualClock Clock { get; }

    /// <summary>The console (dmesg).</summary>
    public KernelLog Log { get; }

    /// <summary>The seeded source of every random choice.</summary>
    public Random Random { get; }

    /// <summary>Physical memory and its hardware poison.</summary>
    public PhysicalMemory Memory { get; }

    /// <summary>The buddy allocator.</summary>
    public PageAllocator Allocator { get; }

    /// <summary>The hugetlb pools.</summary>
    public HugetlbPool Hugetlb { get; }

    /// <summary>The CPUs.</summary>
    public IReadOnlyList<Cpu> Cpus => _cpus;

    /// <summary>The CPU the model is executing on (the simulation is one thread of control).</summary>
    public Cpu CurrentCpu { get; private set; }

    /// <summary>Which CPU <see cref="CurrentCpu"/> is.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not the id of one of the machine's CPUs.</exception>
    public int CurrentCpuId
    {
        get => CurrentCpu.Id;
        set => CurrentCpu = (uint)value < (uint)_cpus.Length ? _cpus[value]
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"CPU ids are 0..{_cpus.Length - 1}");
    }

    /// <summary>Tasks.</summary>
    public TaskList Tasks { get; } = new();

    /// <summary>The page cache operations.</summary>
    public Filemap Filemap { get; }

    /// <summary>The mm's machine-wide state: swap, the zero page, the mm kernel threads.</summary>
    public MmGlobals Mm { get; }

    /// <summary>Sysctls.</summary>
    public Sysctl Sysctl { get; } = new();

    /// <summary>The function_graph-style tracer.</summary>
    public FunctionTracer Tracer { get; } = new();

    /// <summary>The architecture profile.</summary>
    public IArchitecture Arch { get; }

    /// <summary>memory_failure() and memory_failure_queue().</summary>
    public IMemoryFailure MemoryFailureHandler { get; }

    /// <summary>GHES, the firmware-first error handler.</summary>
    public IGhes Ghes { get; }

    /// <summary>Running or panicked.</summary>
    public MachineState State { get; private set; }

    /// <summary>The panic message, once panicked.</summary>
    public string? PanicMessage { get; private set; }

    /// <summary>Every trap taken, in order.</summary>
    public IReadOnlyList<TrapEvent> Traps => _traps;

    /// <summary>Oopses so far (die() calls).</summary>
    public int OopsCount => _oopsCount;

    /// <summary>__va(): the kernel linear-map address of a physical address.</summary>
    [KernelSymbol("arch/x86/include/asm/page.h", "__va")]
    public ulong PhysToVirt(ulong pa) => _pageOffset + pa;

    /// <summary>page_address() / kmap_local_page(): the kernel address of a page's first byte.</summary>
    [KernelSymbol("include/linux/mm.h", "page_address")]
    public ulong PageAddress(Page page) => PhysToVirt(page.PhysAddr);

    /// <summary>
    /// Runs a kernel path and reports how it ended. A kernel death inside it (oops or panic) becomes the
    /// outcome; on a machine that has already panicked nothing runs.
    /// </summary>
    public KernelRun<T> Run<T>(Func<T> kernelPath)
    {
        if (State == MachineState.Panicked)
        {
            return new KernelRun<T>(false, default, true, PanicMessage);
        }

        try
        {
            return new KernelRun<T>(true, kernelPath(), false, null);
        }
        catch (KernelDiedException death)
        {
            return new KernelRun<T>(false, default, death.Panicked, death.Message);
        }
    }

    /// <summary>
    /// panic(): prints the kernel's panic lines and stops the machine. Does not return.
    /// </summary>
    [KernelSymbol("kernel/panic.c", "panic")]
    public KernelDiedException Panic(string message)
    {
        if (State != MachineState.Panicked)
        {
            State = MachineState.Panicked;
            PanicMessage = message;
            Log.Emerg("Kernel panic - not syncing: " + message);
            Log.Emerg("---[ end Kernel panic - not syncing: " + message + " ]---");
        }

        throw new KernelDiedException(true, message);
    }

    /// <summary>
    /// die() as the architectures share it: print the oops line the architecture formats, then panic when in
    /// interrupt ("Fatal exception in interrupt") or with panic_on_oops ("Fatal exception"), otherwise kill the
    /// current task with <paramref name="signr"/> (make_task_dead: SIGSEGV from die(), SIGKILL from x86's
    /// page_fault_oops). arm64 prefixes its panic messages with the oops reason (<paramref name="panicPrefix"/>:
    /// "%s: Fatal exception"); RISC-V and x86 do not. Does not return.
    /// </summary>
    [KernelSymbol("arch/riscv/kernel/traps.c", "die")]
    [KernelSymbol("arch/arm64/kernel/traps.c", "die")]
    public KernelDiedException Die(Cpu cpu, Func<int, string> oopsLine, string? panicPrefix = null, int signr = Signals.SIGSEGV)
    {
        _oopsCount++;
        Log.Emerg(oopsLine(_oopsCount));
        var prefix = panicPrefix is null ? string.Empty : panicPrefix + ": ";
        if (cpu.InInterrupt)
        {
            throw Panic(prefix + "Fatal exception in interrupt");
        }

        if (Sysctl.PanicOnOops)
        {
            throw Panic(prefix + "Fatal exception");
        }

        if (cpu.Current is not { } task)
        {
            throw Panic("Attempted to kill the idle task!");
        }

        task.Kill(signr, coreDump: false);
        throw new KernelDiedException(false, $"Oops: {task.Comm}:{task.Pid} killed");
    }

    /// <summary>
    /// exit_to_user_mode(): the task's queued task work runs (memory_failure for a consumed poison, as x86's
    /// kill_me_maybe and GHES's memory_failure_cb are queued), then its pending signals are acted on.
    /// </summary>
    [KernelSymbol("kernel/entry/common.c", "exit_to_user_mode_prepare")]
    public void ReturnToUser(TaskStruct task)
    {
        var cpu = CurrentCpu;
        using (Tracer.Enter("exit_to_user_mode_prepare"))
        {
            using (cpu.Enter(task, CpuMode.Kernel))
            {
                while (task.TakeTaskWork() is { } work)
                {
                    using (Tracer.Enter(work.Name))
                    {
                        work.Run();
                    }
                }
            }

            var delivered = task.Delivered.Count;
            task.DeliverSignals();
            foreach (var info in task.Delivered.Skip(delivered))
            {
                Tracer.Note($"get_signal: {task} {Signals.Name(info.Signo)} {Signals.CodeName(info.Signo, info.Code)} si_addr={Printf.HashLx(info.Addr)} si_addr_lsb={info.AddrLsb}{(task.IsAlive ? string.Empty : ": killed")}");
            }
        }
    }

    /// <summary>folio_put(): drops a reference; at zero the folio goes back to the hugetlb pool or the buddy allocator.</summary>
    [KernelSymbol("include/linux/mm.h", "folio_put")]
    public void PutFolio(Folio folio)
    {
        if (--folio.Head.RefCount > 0)
        {
            return;
        }

        if (folio.IsHugetlb)
        {
            Hugetlb.FreeHugetlbFolio(folio);
        }
        else
        {
            Allocator.FreeFolio(folio);
        }
    }

    /// <summary>Runs a trap handler and records what it did (including when it killed the kernel).</summary>
    internal TrapOutcome Trap(Cpu cpu, TrapKind kind, CodeSite site, ulong va, ulong? pa, Func<TrapDecision> handler)
    {
        Tracer.Note($"{(kind == TrapKind.HardwareError ? "hardware memory error" : "page fault")} at {site}, {cpu.Mode.ToString().ToLowerInvariant()} mode, va {Printf.HashLx(va)}{(pa is { } p ? ", pa " + Printf.HashLx(p) : string.Empty)}");
        // A death is recorded from an exception filter, which runs before the exception unwinds the handler's frames
        // (one exception dispatch instead of a catch and a second dispatch for the rethrow, each costing microseconds).
        // The handler's context scopes are then not yet disposed, so the mode is the one it was entered in.
        var mode = cpu.Mode;
        bool Died(KernelDiedException death)
        {
            _traps.Add(new TrapEvent(kind, site, va, pa, mode, TrapOutcome.Died, death.Message));
            return false;
        }

        try
        {
            var decision = handler();
            _traps.Add(new TrapEvent(kind, site, va, pa, cpu.Mode, decision.Outcome, decision.Detail));
            Tracer.Note($"trap: {decision.Outcome}: {decision.Detail}");
            return decision.Outcome;
        }
        catch (KernelDiedException death) when (Died(death))
        {
            throw;
        }
    }
}
