namespace KernelModel.Mm;

/// <summary>Tearing mappings down (mm/memory.c zap_page_range, mm/mmap.c exit_mmap).</summary>
public static class Unmap
{
    /// <summary>
    /// zap_page_range_single() over a whole VMA: every leaf is cleared; a present page loses the mapping and its
    /// reference (a dirty PTE dirties a file page), a swap entry its slot reference.
    /// </summary>
    [KernelSymbol("mm/memory.c", "zap_page_range_single")]
    public static void ZapVma(Machine machine, Vma vma)
    {
        using (machine.Tracer.Enter("unmap_vmas"))
        {
            var table = vma.Mm.PageTable;
            foreach (var (address, entry, level) in table.LeavesIn(vma.Start, vma.End).ToList())
            {
                table.Set(address, Pte.Empty, level);
                if (entry.Kind == PteKind.Swap)
                {
                    machine.Mm.Swap.SwapFree(entry.SwapOffset);
                    continue;
                }

                if (Rmap.VmNormalPage(machine, entry) is not { } page)
                {
                    continue;
                }

                var folio = page.Folio;
                if (entry.Dirty && !folio.IsAnon)
                {
                    Filemap.MarkDirty(folio);
                }

                if (folio.Mapping is KsmStableNode ksm)
                {
                    ksm.RemoveRmapItem(vma, address);
                }

                Rmap.FolioRemoveRmapPte(folio);
                machine.PutFolio(folio);
            }
        }
    }

    /// <summary>exit_mmap() (via mmput()): zaps and removes every VMA of an address space.</summary>
    [KernelSymbol("mm/mmap.c", "exit_mmap")]
    public static void ExitMmap(Machine machine, MmStruct mm)
    {
        using (machine.Tracer.Enter("exit_mmap"))
        {
            foreach (var vma in mm.Vmas.ToList())
            {
                ZapVma(machine, vma);
                mm.RemoveVma(vma);
            }
        }
    }
}
