using System.Globalization;
using KernelModel.Mm;

namespace KernelModel.Hwpoison;

/// <summary>
/// Who is told about a poisoned page and how (mm/memory-failure.c): collect_procs() finds the processes that map
/// it and picks, per process, the thread to signal (task_early_kill: current for an action-required error in its
/// own mm, else the early-kill thread by PR_MCE_KILL or vm.memory_failure_early_kill); kill_procs() then sends
/// SIGBUS BUS_MCEERR_AR (forced, to current) or BUS_MCEERR_AO, or SIGKILL when the address is unknown.
/// </summary>
internal sealed class ProcessKiller(MemoryFailureHandler mf)
{
    private Machine Machine => mf.Machine;

    /// <summary>for_each_process(): the live thread-group leaders.</summary>
    private IEnumerable<TaskStruct> Processes => Machine.Tasks.All.Where(t => t.Pid == t.Tgid && t.IsAlive).ToArray();

    /// <summary>find_early_kill_thread(): the first thread that asked for early kill, or any when the sysctl says so.</summary>
    [KernelSymbol("mm/memory-failure.c", "find_early_kill_thread")]
    public TaskStruct? FindEarlyKillThread(TaskStruct tsk)
    {
        foreach (var t in Machine.Tasks.ThreadGroup(tsk.Tgid).Where(t => t.IsAlive))
        {
            if ((t.Flags & TaskFlags.MceProcess) != 0)
            {
                if ((t.Flags & TaskFlags.MceEarly) != 0)
                {
                    return t;
                }
            }
            else if (Machine.Sysctl.MemoryFailureEarlyKill)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>task_early_kill(): which thread of <paramref name="tsk"/>'s process to signal, or null (late kill).</summary>
    [KernelSymbol("mm/memory-failure.c", "task_early_kill")]
    public TaskStruct? TaskEarlyKill(TaskStruct tsk, bool forceEarly)
    {
        if (tsk.Mm is null)
        {
            return null;
        }

        if (forceEarly && mf.Current is { } current && current.Mm == tsk.Mm)
        {
            return current;
        }

        return FindEarlyKillThread(tsk);
    }

    /// <summary>collect_procs(): the tasks to tell, with the address at which each maps the page.</summary>
    [KernelSymbol("mm/memory-failure.c", "collect_procs")]
    public List<ToKill> CollectProcs(Folio folio, Page page, bool forceEarly)
    {
        var toKill = new List<ToKill>();
        var shift = folio.Order + PhysicalMemory.PageShift;
        switch (folio.Mapping)
        {
            case KsmStableNode ksm:
                using (Machine.Tracer.Enter("collect_procs_ksm"))
                {
                    foreach (var tsk in Processes)
                    {
                        if (TaskEarlyKill(tsk, forceEarly) is not { } t)
                        {
                            continue;
                        }

                        foreach (var (vma, address) in ksm.RmapItems.Where(i => i.Vma.Mm == t.Mm))
                        {
                            if (!toKill.Any(k => k.Task == t))
                            {
                                toKill.Add(new ToKill(t, address, shift));
                            }
                        }
                    }
                }

                break;
            case AnonVma av:
                using (Machine.Tracer.Enter("collect_procs_anon"))
                {
                    foreach (var tsk in Processes)
                    {
                        if (TaskEarlyKill(tsk, forceEarly) is not { } t)
                        {
                            continue;
                        }

                        foreach (var vma in av.Vmas.Where(v => v.Mm == t.Mm))
                        {
                            if (Rmap.PageMappedInVma(folio, page, vma) is { } address)
                            {
                                toKill.Add(new ToKill(t, address, shift));
                            }
                        }
                    }
                }

                break;
            case AddressSpace mapping:
                using (Machine.Tracer.Enter("collect_procs_file"))
                {
                    // Every VMA covering the file offset counts, mapped in its page table or not.
                    var pgoff = Rmap.PagePgoff(folio, page);
                    foreach (var tsk in Processes)
                    {
                        if (TaskEarlyKill(tsk, forceEarly) is not { } t)
                        {
                            continue;
                        }

                        foreach (var vma in mapping.IMmap.Where(v => v.Mm == t.Mm))
                        {
                            if (vma.AddressOf(pgoff) is { } address)
                            {
                                toKill.Add(new ToKill(t, address, shift));
                            }
                        }
                    }
                }

                break;
        }

        return toKill;
    }

    /// <summary>
    /// kill_procs(): with <paramref name="forceKill"/> (dirty page, MF_MUST_KILL or unmap failure) every collected
    /// task is signalled; otherwise the page was clean and nobody is. A task whose address is unknown, or every task
    /// after an unmap failure on kernels before 2024 (<see cref="UnmapFailureKill.Sigkill"/>), gets SIGKILL.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "kill_procs")]
    public void KillProcs(List<ToKill> toKill, bool forceKill, bool unmapFailed, ulong pfn, MfFlags flags)
    {
        if (!forceKill)
        {
            return;
        }

        foreach (var tk in toKill)
        {
            if (tk.Address is null || (unmapFailed && mf.Options.UnmapFailureKill == UnmapFailureKill.Sigkill))
            {
                mf.Err(string.Create(CultureInfo.InvariantCulture,
                    $"{Printf.HashLx(pfn)}: forcibly killing {tk.Task.Comm}:{tk.Task.Pid} because of failure to unmap corrupted page"));
                tk.Task.SendSignal(new SigInfo(Signals.SIGKILL, Signals.SI_KERNEL), force: false);
            }
            else
            {
                KillProc(tk, pfn, flags);
            }
        }
    }

    /// <summary>
    /// kill_proc(): "Sending SIGBUS"; BUS_MCEERR_AR forced on current when the error is action-required, else a
    /// blockable BUS_MCEERR_AO. si_addr is the page's address, si_addr_lsb its shift.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "kill_proc")]
    public void KillProc(ToKill tk, ulong pfn, MfFlags flags)
    {
        var t = tk.Task;
        mf.Err(string.Create(CultureInfo.InvariantCulture,
            $"{Printf.HashLx(pfn)}: Sending SIGBUS to {t.Comm}:{t.Pid} due to hardware memory corruption"));
        if ((flags & MfFlags.ActionRequired) != 0 && t == mf.Current)
        {
            t.SendSignal(new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AR, tk.Address ?? 0, tk.SizeShift), force: true);
        }
        else
        {
            t.SendSignal(new SigInfo(Signals.SIGBUS, Signals.BUS_MCEERR_AO, tk.Address ?? 0, tk.SizeShift), force: false);
        }
    }

    /// <summary>
    /// kill_accessing_process(): a second action-required error on a poisoned page: walk current's page tables for
    /// an entry mapping the frame (present or hwpoison) and send it BUS_MCEERR_AR there. -EHWPOISON when found, 0
    /// when not (a clean page that was dropped), -EFAULT without an mm.
    /// </summary>
    [KernelSymbol("mm/memory-failure.c", "kill_accessing_process")]
    public int KillAccessingProcess(TaskStruct? p, ulong pfn, MfFlags flags)
    {
        if (p?.Mm is not { } mm)
        {
            return -Errno.EFAULT;
        }

        foreach (var vma in mm.Vmas)
        {
            foreach (var (address, entry, level) in mm.PageTable.LeavesIn(vma.Start, vma.End))
            {
                if (entry.Kind is not (PteKind.Present or PteKind.Hwpoison))
                {
                    continue;
                }

                var leaf = new RmapEntry(vma, address, level, entry);
                if (HwpoisonedEntry(p, leaf, pfn) is { } tk)
                {
                    KillProc(tk, pfn, flags);
                    return -Errno.EHWPOISON;
                }
            }
        }

        return 0;
    }

    // check_hwpoisoned_entry / check_hwpoisoned_pmd_entry: does this leaf map the poisoned frame, and at which address.
    [KernelSymbol("mm/memory-failure.c", "check_hwpoisoned_entry")]
    private ToKill? HwpoisonedEntry(TaskStruct p, RmapEntry leaf, ulong pfn)
    {
        var pages = leaf.Size >> PhysicalMemory.PageShift;
        if (pfn < leaf.Entry.Pfn || pfn >= leaf.Entry.Pfn + pages)
        {
            return null;
        }

        var offset = (pfn - leaf.Entry.Pfn) << PhysicalMemory.PageShift;
        if (!leaf.Vma.IsHugetlb)
        {
            return leaf.Level == PageTableLevel.Pte || leaf.Entry.IsPresent ? new ToKill(p, leaf.Address + offset, PhysicalMemory.PageShift) : null;
        }

        // hugetlb: the entry names the huge page; v6.17 matched only its first frame, mm-next any frame in it.
        if (!mf.Options.KillAccessingMatchesHugeSubpage && offset != 0)
        {
            return null;
        }

        return new ToKill(p, leaf.Address + offset, (int)leaf.Level);
    }
}
