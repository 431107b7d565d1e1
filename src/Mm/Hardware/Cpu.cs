using System.Runtime.CompilerServices;

namespace KernelModel.Mm;

/// <summary>
/// One CPU: who runs on it (current), in which mode, whether in interrupt context, and its memory port.
/// Every access names its <see cref="CodeSite"/>; a load touching a poisoned line raises a synchronous
/// hardware error to the architecture's trap handler, and a kernel access that does not translate raises a
/// page fault. Stores never raise a hardware error.
/// </summary>
public sealed class Cpu
{
    private readonly Machine _machine;
    private readonly PhysicalMemory _memory;
    private ulong _pageOffset;
    private ulong _taskSize;
    private ulong _linearMapSize;

    internal Cpu(Machine machine, int id)
    {
        _machine = machine;
        _memory = machine.Memory;
        Id = id;
    }

    /// <summary>smp_processor_id().</summary>
    public int Id { get; }

    /// <summary>current.</summary>
    public TaskStruct? Current { get; set; }

    /// <summary>User or kernel mode.</summary>
    public CpuMode Mode { get; set; } = CpuMode.Kernel;

    /// <summary>Interrupt nesting depth; in_interrupt() when positive.</summary>
    public int IrqDepth { get; private set; }

    /// <summary>in_interrupt().</summary>
    public bool InInterrupt => IrqDepth > 0;

    /// <summary>Runs <paramref name="task"/> in <paramref name="mode"/> until the scope is disposed.</summary>
    public ContextScope Enter(TaskStruct? task, CpuMode mode)
    {
        var scope = new ContextScope(this, Current, Mode, IrqDepth);
        Current = task;
        Mode = mode;
        return scope;
    }

    /// <summary>irq_enter(): interrupt context until the scope is disposed.</summary>
    public ContextScope EnterInterrupt()
    {
        var scope = new ContextScope(this, Current, Mode, IrqDepth);
        IrqDepth++;
        Mode = CpuMode.Kernel;
        return scope;
    }

    /// <summary>
    /// A load of <c>value.Length</c> bytes at virtual address <paramref name="va"/>. On a hardware error or a
    /// kernel-mode fault the trap handler runs; if it kills the kernel this does not return.
    /// </summary>
    public AccessResult Load(CodeSite site, ulong va, Span<byte> value)
    {
        var translated = Translate(site, va, (ulong)value.Length, write: false, out var pa1, out var split, out var pa2);
        if (translated != AccessResult.Ok)
        {
            return translated;
        }

        var memory = _memory;
        var first = (int)split;
        var second = value.Length - first;
        if ((first > 0 && memory.FrameRangeHasPoison(pa1, first)) || (second > 0 && memory.FrameRangeHasPoison(pa2, second)))
        {
            var bad = memory.FirstPoisonedByte(pa1, split) ?? memory.FirstPoisonedByte(pa2, (ulong)second)!.Value;
            return RaiseHardwareError(new HardwareErrorEvent(site, va, bad, Mode));
        }

        memory.ReadInFrame(pa1, value[..first]);
        if (second > 0)
        {
            memory.ReadInFrame(pa2, value[first..]);
        }

        return AccessResult.Ok;
    }

    /// <summary>A store of <c>value.Length</c> bytes at <paramref name="va"/>; only translation faults can stop it.</summary>
    public AccessResult Store(CodeSite site, ulong va, ReadOnlySpan<byte> value)
    {
        var translated = Translate(site, va, (ulong)value.Length, write: true, out var pa1, out var split, out var pa2);
        if (translated != AccessResult.Ok)
        {
            return translated;
        }

        var first = (int)split;
        if (first > 0)
        {
            _memory.WriteInFrame(pa1, value[..first]);
        }

        if (value.Length > first)
        {
            _memory.WriteInFrame(pa2, value[first..]);
        }

        return AccessResult.Ok;
    }

    /// <summary>
    /// The fast path every copy routine may take: when both ranges translate without faults and the source
    /// holds no poison, the routine's register-level model would copy every byte and return 0, so the bytes are
    /// moved directly. Returns false (having changed nothing) when the routine must run access by access.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryCopyFast(ulong dst, ulong src, ulong len)
    {
        // A copy that stays inside one frame on each side (every page copy, most small copies): translate each side
        // once and move the bytes. This part inlines into the routines; everything else is TryCopyFastAcrossFrames.
        if (len - 1 < PageRemainder(src) && len - 1 < PageRemainder(dst)
            && TranslateNoFault(src, false, out var spa) && TranslateNoFault(dst, true, out var dpa))
        {
            return _memory.TryCopyInFrames(dpa, spa, (int)len);
        }

        return TryCopyFastAcrossFrames(dst, src, len);
    }

    private bool TryCopyFastAcrossFrames(ulong dst, ulong src, ulong len)
    {
        if (len == 0)
        {
            return true;
        }

        if (FaultFreeLength(src, len, write: false) != len || FaultFreeLength(dst, len, write: true) != len)
        {
            return false;
        }

        while (len > 0)
        {
            var n = Math.Min(len, Math.Min(PageRemainder(src), PageRemainder(dst)));
            TranslateNoFault(src, false, out var spa);
            TranslateNoFault(dst, true, out var dpa);
            _memory.CopyInFrames(dpa, spa, (int)n);
            src += n;
            dst += n;
            len -= n;
        }

        return true;
    }

    /// <summary>
    /// Translates a virtual address for this CPU without faulting: the kernel linear map, or the current mm's
    /// page tables for a user address (present, and writable for a write). False when it does not translate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TranslateNoFault(ulong va, bool write, out ulong pa)
    {
        // The linear map first: kernel addresses are what most copies use.
        var offset = va - _pageOffset;
        if (va >= _pageOffset && offset < _linearMapSize)
        {
            pa = offset;
            return true;
        }

        return TranslateOther(va, write, out pa);
    }

    // Not in the linear map (or the layout not read yet): the current mm's page tables for a user address.
    private bool TranslateOther(ulong va, bool write, out ulong pa)
    {
        if (_linearMapSize == 0)
        {
            CacheLayout();
            return TranslateNoFault(va, write, out pa);
        }

        pa = 0;
        if (va >= _taskSize || Current?.Mm is not { } mm)
        {
            return false;
        }

        var (pte, level) = mm.PageTable.Walk(va);
        if (!pte.IsPresent || (write && !pte.Write))
        {
            return false;
        }

        pa = (pte.Pfn << PhysicalMemory.PageShift) + (va & ((1UL << (int)level) - 1));
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong PageRemainder(ulong va) => PhysicalMemory.PageSize - (va & (PhysicalMemory.PageSize - 1));

    // PAGE_OFFSET, TASK_SIZE and the memory size are fixed once the machine has its architecture; reading them
    // through the IArchitecture interface on every access cost more than the rest of a page copy's bookkeeping.
    private void CacheLayout()
    {
        var arch = _machine.Arch;
        _pageOffset = arch.PageOffset;
        _taskSize = arch.TaskSize;
        _linearMapSize = _memory.Size;
    }

    /// <summary>
    /// How many leading bytes of [<paramref name="va"/>, va+<paramref name="len"/>) this CPU's accesses reach without
    /// a trap: loads (<paramref name="write"/> false) up to the first byte that does not translate or lies in a
    /// poisoned line, stores up to the first byte that does not translate writable. A copy routine moves the
    /// iterations below this bound in one go (<see cref="TryCopyFast"/>) and runs only the one that can fault
    /// access by access.
    /// </summary>
    public ulong FaultFreeLength(ulong va, ulong len, bool write)
    {
        var done = 0UL;
        while (done < len)
        {
            var cursor = va + done;
            if (!TranslateNoFault(cursor, write, out var pa))
            {
                return done;
            }

            var n = Math.Min(len - done, PageRemainder(cursor));
            if (!write && _memory.FirstPoisonedByte(pa, n) is { } bad)
            {
                return done + (bad - pa);
            }

            done += n;
        }

        return done;
    }

    /// <summary>
    /// How many leading bytes of a forward copy of <paramref name="len"/> bytes from <paramref name="src"/> to
    /// <paramref name="dst"/> (loads and stores in address order, each store after the load of its bytes) complete
    /// without a trap and leave what one <see cref="TryCopyFast"/> of them leaves: the lesser of the two sides'
    /// <see cref="FaultFreeLength"/>, or 0 when the destination starts inside the source ahead of it, where a store
    /// lands on bytes a later load reads.
    /// </summary>
    public ulong ForwardCopyFaultFreeLength(ulong dst, ulong src, ulong len)
    {
        if (dst > src && dst - src < len)
        {
            return 0;
        }

        var load = FaultFreeLength(src, len, write: false);
        return load == 0 ? 0 : Math.Min(load, FaultFreeLength(dst, load, write: true));
    }

    /// <summary>
    /// Moves the head of a forward copy that its accesses would complete without a trap
    /// (<see cref="ForwardCopyFaultFreeLength"/>), in whole units of <paramref name="unit"/> bytes, and returns its
    /// length (0: nothing moved); the routine resumes access by access after it, with memory as those loads and
    /// stores leave it.
    /// </summary>
    public ulong CopyFastHead(ulong dst, ulong src, ulong len, ulong unit)
    {
        var head = ForwardCopyFaultFreeLength(dst, src, len);
        head -= head % unit;
        return head != 0 && TryCopyFast(dst, src, head) ? head : 0;
    }

    private AccessResult Translate(CodeSite site, ulong va, ulong length, bool write, out ulong pa1, out ulong split, out ulong pa2)
    {
        split = Math.Min(length, PageRemainder(va));
        pa2 = 0;
        if (!TranslateNoFault(va, write, out pa1))
        {
            return RaisePageFault(new PageFaultEvent(site, va, Mode));
        }

        if (split < length && !TranslateNoFault(va + split, write, out pa2))
        {
            return RaisePageFault(new PageFaultEvent(site, va + split, Mode));
        }

        return AccessResult.Ok;
    }

    private AccessResult RaiseHardwareError(HardwareErrorEvent error)
    {
        var outcome = _machine.Trap(this, TrapKind.HardwareError, error.Site, error.VirtualAddress, error.PhysicalAddress,
            () => _machine.Arch.Trap.HardwareError(this, error));
        return outcome == TrapOutcome.Fixup ? AccessResult.Fixup : AccessResult.UserTrapped;
    }

    private AccessResult RaisePageFault(PageFaultEvent fault)
    {
        if (fault.Mode == CpuMode.User)
        {
            return AccessResult.UserPageFault;
        }

        _machine.Trap(this, TrapKind.PageFault, fault.Site, fault.VirtualAddress, null,
            () => _machine.Arch.Trap.KernelPageFault(this, fault));
        return AccessResult.Fixup;
    }

    /// <summary>Restores the CPU's previous context when disposed.</summary>
    public readonly struct ContextScope : IDisposable
    {
        private readonly Cpu _cpu;
        private readonly TaskStruct? _task;
        private readonly CpuMode _mode;
        private readonly int _irqDepth;

        internal ContextScope(Cpu cpu, TaskStruct? task, CpuMode mode, int irqDepth)
        {
            _cpu = cpu;
            _task = task;
            _mode = mode;
            _irqDepth = irqDepth;
        }

        /// <inheritdoc />
        public void Dispose()
        {
            _cpu.Current = _task;
            _cpu.Mode = _mode;
            _cpu.IrqDepth = _irqDepth;
        }
    }
}
