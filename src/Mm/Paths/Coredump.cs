namespace KernelModel.Mm;

/// <summary>
/// The page-dumping part of a core dump (fs/coredump.c). With copy_mc_to_kernel each user page is first copied
/// into a bounce page with copy_mc_to_kernel (dump_page_copy); a short copy makes the dump stop at that page, the
/// core is truncated, and nothing is queued to memory_failure. Without it the user page itself is written and the
/// write's kernel load consumes the poison.
/// </summary>
public static class Coredump
{
    /// <summary>The load with which the core file's write copies a page in (copy_page_from_iter; no fixup).</summary>
    public static readonly CodeSite WriteLoad = new("copy_page_from_iter", "ldr 8", SiteAccess.Load);

    /// <summary>
    /// do_coredump()'s dump of <paramref name="task"/>'s memory: each VMA the default coredump_filter (0x33) keeps
    /// (private anonymous memory, private file mappings with anonymous pages, shared memory files and private
    /// hugetlb; never VM_DONTDUMP) goes through dump_user_range() in address order until one fails. Runs in the
    /// dying task's kernel context.
    /// </summary>
    [KernelSymbol("fs/coredump.c", "do_coredump")]
    public static CoreFile DoCoredump(Machine machine, TaskStruct task)
    {
        var mm = task.Mm ?? throw new ArgumentException($"{task} has no mm", nameof(task));
        var core = new CoreFile();
        using (machine.CurrentCpu.Enter(task, CpuMode.Kernel))
        using (machine.Tracer.Enter("do_coredump"))
        using (machine.Tracer.Enter("elf_core_dump"))
        {
            foreach (var vma in mm.Vmas.Where(VmaDumpWhole).ToList())
            {
                if (!DumpUserRange(machine, core, vma.Start, vma.Length))
                {
                    core.Truncated = true;
                    break;
                }
            }
        }

        return core;
    }

    /// <summary>
    /// dump_user_range(): page by page, get_dump_page() (holes for nothing mapped, the zero page or an entry that
    /// cannot be faulted in) and dump_emit_page(). Returns false, stopping the dump, when a page could not be
    /// emitted.
    /// </summary>
    [KernelSymbol("fs/coredump.c", "dump_user_range")]
    private static bool DumpUserRange(Machine machine, CoreFile core, ulong start, ulong len)
    {
        using (machine.Tracer.Enter("dump_user_range"))
        {
            var hasCopyMc = machine.Arch.CopyMc.HasArchCopyMc;
            var bounce = hasCopyMc ? machine.Allocator.AllocFolio(0)?.Head : null;
            if (hasCopyMc && bounce is null)
            {
                return false;
            }

            try
            {
                for (var addr = start; addr < start + len; addr += PhysicalMemory.PageSize)
                {
                    if (GetDumpPage(machine, addr) is not { } page)
                    {
                        core.Skip(PhysicalMemory.PageSize);
                        continue;
                    }

                    var emitted = bounce is { } dst
                        ? DumpPageCopy(machine, page, dst) is { } copy && DumpEmitPage(machine, core, copy)
                        : DumpEmitPage(machine, core, page);
                    machine.PutFolio(page.Folio);
                    if (!emitted)
                    {
                        return false;
                    }
                }

                return true;
            }
            finally
            {
                if (bounce is { } b)
                {
                    machine.PutFolio(b.Folio);
                }
            }
        }
    }

    /// <summary>
    /// dump_page_copy(): the user page copied into the bounce page with copy_mc_to_kernel, or null when the copy
    /// came up short (the helper queues nothing).
    /// </summary>
    [KernelSymbol("fs/coredump.c", "dump_page_copy")]
    private static Page? DumpPageCopy(Machine machine, Page src, Page dst)
    {
        using (machine.Tracer.Enter("dump_page_copy"))
        {
            var left = machine.Arch.CopyMc.CopyMcToKernel(machine.PageAddress(dst), machine.PageAddress(src), PhysicalMemory.PageSize);
            return left == 0 ? dst : null;
        }
    }

    /// <summary>dump_emit_page(): writes one page to the core file; the write copies it in with kernel loads.</summary>
    [KernelSymbol("fs/coredump.c", "dump_emit_page")]
    private static bool DumpEmitPage(Machine machine, CoreFile core, Page page)
    {
        using (machine.Tracer.Enter("dump_emit_page"))
        {
            var data = new byte[PhysicalMemory.PageSize];
            var memory = machine.Memory;
            if (memory.RangeHasPoison(page.PhysAddr, PhysicalMemory.PageSize))
            {
                var cpu = machine.CurrentCpu;
                for (var offset = 0; offset < data.Length; offset += 8)
                {
                    // No exception-table entry: poison here kills the kernel in the trap handler.
                    cpu.Load(WriteLoad, machine.PageAddress(page) + (ulong)offset, data.AsSpan(offset, 8));
                }
            }
            else
            {
                memory.FrameForRead(page.Pfn).CopyTo(data);
            }

            core.Emit(data);
            return true;
        }
    }

    /// <summary>
    /// get_dump_page(): the page mapped at the address with a reference (faulting a swapped-out page back in), or
    /// null for a hole.
    /// </summary>
    [KernelSymbol("mm/gup.c", "get_dump_page")]
    private static Page? GetDumpPage(Machine machine, ulong addr)
    {
        using (machine.Tracer.Enter("get_dump_page"))
        {
            var mm = machine.CurrentCpu.Current!.Mm!;
            var (pte, level) = mm.PageTable.Walk(addr);
            if (pte.Kind == PteKind.Swap && mm.FindVma(addr) is { } vma &&
                (Memory.HandleMmFault(machine, vma, addr, FaultFlags.None) & Memory.VmFaultError) == 0)
            {
                (pte, level) = mm.PageTable.Walk(addr);
            }

            if (Rmap.VmNormalPage(machine, pte) is not { } head)
            {
                return null;
            }

            var page = machine.Memory.PfnToPage(head.Pfn + ((addr & ((1UL << (int)level) - 1)) >> PhysicalMemory.PageShift));
            page.Folio.Head.RefCount++;
            return page;
        }
    }

    /// <summary>vma_dump_size() with the default coredump_filter: whether the whole VMA is dumped.</summary>
    [KernelSymbol("fs/coredump.c", "vma_dump_size")]
    private static bool VmaDumpWhole(Vma vma)
    {
        if ((vma.Flags & VmFlags.DontDump) != 0)
        {
            return false;
        }

        if (vma.IsHugetlb)
        {
            return !vma.IsShared;
        }

        if (vma.IsShared)
        {
            return vma.File?.Kind == InodeKind.Shmem;
        }

        return vma.IsAnonymous || vma.AnonVma is not null;
    }
}
