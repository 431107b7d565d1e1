using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// The firmware-first error handler (drivers/acpi/apei/ghes.c). Firmware writes a CPER error status block for
/// each error; GHES reads and checks it, panics on a fatal one, prints it (rate limited and de-duplicated), and
/// for each platform memory error section does what ghes_handle_memory_failure() does: a corrected error over its
/// threshold is soft-offlined, a recoverable one goes to memory_failure(), action-required when the notification
/// is synchronous. Synchronous work runs as task work (memory_failure_cb) before current returns to user space;
/// a synchronous error nothing could queue sends current SIGBUS.
/// </summary>
public sealed class Ghes : IGhes
{
    /// <summary>The HEST source id of the SEA (synchronous) error source.</summary>
    public const int SeaSourceId = 0;

    /// <summary>The HEST source id of the asynchronous error source.</summary>
    public const int AsyncSourceId = 1;

    /// <summary>GHES_ESTATUS_MAX_SIZE: the largest error status block GHES reads.</summary>
    public const uint EstatusMaxSize = 65536;

    // GHES_ESTATUS_CACHES_SIZE and GHES_ESTATUS_IN_CACHE_MAX_NSEC.
    private const int CachesSize = 4;
    private const long InCacheMaxNs = 10_000_000_000;

    private readonly Machine _machine;
    private readonly Ratelimit _printLimit;
    private readonly Ratelimit _warnLimit;
    private readonly (byte[] Bytes, long TimeIn, int Count)?[] _cache = new (byte[], long, int)?[CachesSize];
    private int _seqno;

    /// <summary>GHES on <paramref name="machine"/>.</summary>
    public Ghes(Machine machine)
    {
        _machine = machine;
        _printLimit = new Ratelimit(machine.Clock, TimeSpan.FromSeconds(5), 2);
        _warnLimit = new Ratelimit(machine.Clock, Ratelimit.DefaultInterval, Ratelimit.DefaultBurst);
    }

    /// <summary>The error sources' error_block_length.</summary>
    public uint ErrorBlockLength { get; init; } = EstatusMaxSize;

    private HwpoisonOptions Options => MemoryFailureHandler.Of(_machine)?.Options ?? HwpoisonOptions.V617;

    /// <summary>
    /// ghes_notify_sea() as arm64's apei_claim_sea() calls it: firmware has recorded the consumed poison (the
    /// record built here as firmware builds it), GHES processes it synchronously. 0 when claimed, -ENOENT when not.
    /// </summary>
    [KernelSymbol("drivers/acpi/apei/ghes.c", "ghes_notify_sea")]
    public int NotifySea(Cpu cpu, HardwareErrorEvent error, bool gateSigbusOnContext)
    {
        var record = CperRecordBuilder.PlatformMemoryError(error.PhysicalAddress, _machine.Memory.NodeOf(error.Pfn),
            CperSeverity.Recoverable, CperRecordBuilder.StatusPoisonedRead, CperSectionFlags.Primary);
        var result = Process(record, GhesNotify.Sea, error.Mode, gateSigbusOnContext);
        return result.Claimed ? 0 : -Errno.ENOENT;
    }

    /// <summary>
    /// Processes one error status block from an error source: ghes_in_nmi_queue_one_entry() and
    /// ghes_proc_in_irq() for SEA, ghes_proc() for an asynchronous source. A malformed or truncated block is
    /// rejected with the kernel's firmware warning and changes nothing.
    /// </summary>
    /// <param name="record">The block's bytes.</param>
    /// <param name="notify">The source's notification type.</param>
    /// <param name="context">Whether the abort came from user or kernel mode (synchronous only).</param>
    /// <param name="gateSigbusOnContext">The arm64 v14 GHES patch: action-required only for a user-mode consumption.</param>
    [KernelSymbol("drivers/acpi/apei/ghes.c", "ghes_proc")]
    public GhesResult Process(byte[] record, GhesNotify notify, CpuMode context = CpuMode.User, bool gateSigbusOnContext = false)
    {
        CperRecord? estatus;
        try
        {
            estatus = CperDecoder.Decode(record, ErrorBlockLength);
        }
        catch (CperFormatException bad)
        {
            if (_warnLimit.Allow())
            {
                _machine.Log.Warn("[Firmware Warn]: GHES: " + bad.KernelWarning);
            }

            return new GhesResult(false, null, bad.Message, false, false);
        }

        if (estatus is null)
        {
            return new GhesResult(false, null, null, false, false);
        }

        var sourceId = notify == GhesNotify.Sea ? SeaSourceId : AsyncSourceId;
        if (Severity(estatus.Status.ErrorSeverity) >= GhesSeverity.Panic)
        {
            GhesPanic(sourceId, estatus);
        }

        bool queued;
        bool sigbus;
        if (notify == GhesNotify.Sea)
        {
            (queued, sigbus) = DoProc(estatus, sync: true, context, gateSigbusOnContext);
            PrintUnlessCached(sourceId, estatus);
        }
        else
        {
            PrintUnlessCached(sourceId, estatus);
            (queued, sigbus) = DoProc(estatus, sync: false, context, gateSigbusOnContext);
        }

        return new GhesResult(true, estatus, null, queued, sigbus);
    }

    /// <summary>GHES_SEV_*: the severities GHES acts on.</summary>
    private enum GhesSeverity
    {
        No,
        Corrected,
        Recoverable,
        Panic,
    }

    /// <summary>ghes_severity(): an unknown CPER severity counts as fatal.</summary>
    [KernelSymbol("drivers/acpi/apei/ghes.c", "ghes_severity")]
    private static GhesSeverity Severity(uint cperSeverity) => cperSeverity switch
    {
        (uint)CperSeverity.Informational => GhesSeverity.No,
        (uint)CperSeverity.Corrected => GhesSeverity.Corrected,
        (uint)CperSeverity.Recoverable => GhesSeverity.Recoverable,
        _ => GhesSeverity.Panic,
    };

    /// <summary>
    /// ghes_do_proc(): each memory section to ghes_handle_memory_failure(); then, for a synchronous error that
    /// queued nothing, "synchronous unrecoverable error (SIGBUS)" and force_sig(SIGBUS) on current.
    /// </summary>
    [KernelSymbol("drivers/acpi/apei/ghes.c", "ghes_do_proc")]
    private (bool Queued, bool Sigbus) DoProc(CperRecord estatus, bool sync, CpuMode context, bool gate)
    {
        var sev = Severity(estatus.Status.ErrorSeverity);
        var queued = false;
        var sections = estatus.Sections;
        for (var i = 0; i < sections.Count; i++)
        {
            if (sections[i] is CperMemorySection section)
            {
                queued = HandleMemoryFailure(section, sev, sync, context, gate);
            }
        }

        if (!sync || queued || _machine.CurrentCpu.Current is not { } current)
        {
            return (queued, false);
        }

        _machine.Log.Err(string.Create(CultureInfo.InvariantCulture,
            $"GHES GHES.{SeaSourceId}: [Hardware Error]: GHES: {current.Comm}:{current.Pid}: synchronous unrecoverable error (SIGBUS)"));
        current.SendSignal(new SigInfo(Signals.SIGBUS, Signals.SI_KERNEL), force: true);
        return (false, true);
    }

    /// <summary>
    /// ghes_handle_memory_failure(): needs a valid physical address; corrected with the threshold exceeded is
    /// soft-offlined (MF_SOFT_OFFLINE); recoverable in both record and section goes to memory_failure with
    /// MF_ACTION_REQUIRED when synchronous (and, with the v14 gate, consumed in user mode), else 0.
    /// </summary>
    [KernelSymbol("drivers/acpi/apei/ghes.c", "ghes_handle_memory_failure")]
    private bool HandleMemoryFailure(CperMemorySection section, GhesSeverity sev, bool sync, CpuMode context, bool gate)
    {
        var secSev = Severity(section.Header.ErrorSeverity);
        var mem = section.MemErr;
        if (!mem.ValidationBits.HasFlag(CperMemValid.Pa))
        {
            return false;
        }

        MfFlags? flags = null;
        if (secSev == GhesSeverity.Corrected && section.Header.Flags.HasFlag(CperSectionFlags.ErrorThresholdExceeded))
        {
            flags = MfFlags.SoftOffline;
        }

        if (sev == GhesSeverity.Recoverable && secSev == GhesSeverity.Recoverable)
        {
            flags = sync && (!gate || context == CpuMode.User) ? MfFlags.ActionRequired : MfFlags.None;
        }

        return flags is { } f && DoMemoryFailure(mem.PhysicalAddr, f);
    }

    /// <summary>
    /// ghes_do_memory_failure(): an action-required error of a task with an mm runs memory_failure_cb as its task
    /// work (before it returns to user space); anything else goes to memory_failure_queue().
    /// </summary>
    [KernelSymbol("drivers/acpi/apei/ghes.c", "ghes_do_memory_failure")]
    private bool DoMemoryFailure(ulong physicalAddr, MfFlags flags)
    {
        var pfn = physicalAddr >> PhysicalMemory.PageShift;
        if (Options.GhesChecksPfnValid && !_machine.Memory.PfnValid(pfn))
        {
            if (_warnLimit.Allow())
            {
                _machine.Log.Warn("[Firmware Warn]: GHES: Invalid address in generic error data: " + Printf.HashLx(physicalAddr));
            }

            return false;
        }

        if (flags == MfFlags.ActionRequired && _machine.CurrentCpu.Current is { Mm: not null } current)
        {
            current.AddTaskWork(new TaskWork("memory_failure_cb", () => MemoryFailureCb(pfn, flags)));
            return true;
        }

        _machine.MemoryFailureHandler.MemoryFailureQueue(pfn, flags);
        return true;
    }

    /// <summary>
    /// memory_failure_cb(): the task work: memory_failure(); if it neither handled the page nor found it already
    /// handled or filtered, "Sending SIGBUS" and force_sig(SIGBUS).
    /// </summary>
    [KernelSymbol("drivers/acpi/apei/ghes.c", "memory_failure_cb")]
    private void MemoryFailureCb(ulong pfn, MfFlags flags)
    {
        var ret = _machine.MemoryFailureHandler.MemoryFailure(pfn, flags);
        if (ret is 0 or -Errno.EHWPOISON or -Errno.EOPNOTSUPP || _machine.CurrentCpu.Current is not { } current)
        {
            return;
        }

        _machine.Log.Err(string.Create(CultureInfo.InvariantCulture,
            $"{Printf.HashLx(pfn)}: Sending SIGBUS to {current.Comm}:{current.Pid} due to hardware memory corruption"));
        current.SendSignal(new SigInfo(Signals.SIGBUS, Signals.SI_KERNEL), force: true);
    }

    /// <summary>__ghes_panic(): print the record at KERN_EMERG and panic.</summary>
    [KernelSymbol("drivers/acpi/apei/ghes.c", "__ghes_panic")]
    private void GhesPanic(int sourceId, CperRecord estatus)
    {
        foreach (var line in EstatusLines(sourceId, estatus))
        {
            _machine.Log.Emerg(line);
        }

        throw _machine.Panic("GHES: Fatal hardware error!");
    }

    /// <summary>ghes_estatus_cached() / ghes_print_estatus() / ghes_estatus_cache_add(): print a record not seen within 10 s, at most 2 per 5 s.</summary>
    [KernelSymbol("drivers/acpi/apei/ghes.c", "ghes_print_estatus")]
    private void PrintUnlessCached(int sourceId, CperRecord estatus)
    {
        var now = _machine.Clock.Nanoseconds;
        for (var i = 0; i < CachesSize; i++)
        {
            if (_cache[i] is { } c && c.Bytes.AsSpan().SequenceEqual(estatus.Bytes))
            {
                _cache[i] = c with { Count = c.Count + 1 };
                if (now - c.TimeIn < InCacheMaxNs)
                {
                    return;
                }

                break;
            }
        }

        if (!_printLimit.Allow())
        {
            return;
        }

        var level = Severity(estatus.Status.ErrorSeverity) <= GhesSeverity.Corrected ? LogLevel.Warning : LogLevel.Err;
        foreach (var line in EstatusLines(sourceId, estatus))
        {
            _machine.Log.Printk(level, line);
        }

        CacheAdd(estatus, now);
    }

    // __ghes_print_estatus(): "{seq}[Hardware Error]: " before every line.
    [KernelSymbol("drivers/acpi/apei/ghes.c", "__ghes_print_estatus")]
    private IEnumerable<string> EstatusLines(int sourceId, CperRecord estatus)
    {
        var pfx = string.Create(CultureInfo.InvariantCulture, $"{{{++_seqno}}}[Hardware Error]: ");
        yield return string.Create(CultureInfo.InvariantCulture, $"{pfx}Hardware error from APEI Generic Hardware Error Source: {sourceId}");
        foreach (var line in CperPrinter.EstatusPrint(pfx, estatus))
        {
            yield return line;
        }
    }

    // ghes_estatus_cache_add(): an empty or expired slot, else the one with the longest time per hit.
    [KernelSymbol("drivers/acpi/apei/ghes.c", "ghes_estatus_cache_add")]
    private void CacheAdd(CperRecord estatus, long now)
    {
        var slot = -1;
        var maxPeriod = -1L;
        for (var i = 0; i < CachesSize; i++)
        {
            if (_cache[i] is not { } c || now - c.TimeIn >= InCacheMaxNs)
            {
                slot = i;
                break;
            }

            var period = (now - c.TimeIn) / (c.Count + 1);
            if (period > maxPeriod)
            {
                maxPeriod = period;
                slot = i;
            }
        }

        _cache[slot] = (estatus.Bytes, now, 0);
    }
}
