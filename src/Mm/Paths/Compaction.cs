namespace KernelModel.Mm;

/// <summary>
/// Memory compaction (mm/compaction.c) as kcompactd runs it: the migration scanner isolates movable pages in a
/// range, the free scanner takes free pages from the top of the zone, and migrate_pages() moves them. A folio
/// that fails to migrate (a copy that consumed poison included) is put back; compaction carries on.
/// </summary>
public static class Compaction
{
    /// <summary>
    /// compact_zone() over the frames [<paramref name="startPfn"/>, <paramref name="endPfn"/>) of
    /// <paramref name="zone"/>: isolate_migratepages_block() takes the order-0 LRU folios not held beyond their
    /// mappings, compaction_alloc() supplies free pages from the zone's end, migrate_pages() runs with
    /// MIGRATE_SYNC_LIGHT and MR_COMPACTION, and putback_movable_pages() returns what did not move. Runs as the
    /// node's kcompactd.
    /// </summary>
    [KernelSymbol("mm/compaction.c", "compact_zone")]
    public static CompactionResult CompactZone(Machine machine, Zone zone, ulong startPfn, ulong endPfn)
    {
        var kcompactd = machine.Mm.Kthread("kcompactd" + zone.Node.Nid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using (machine.CurrentCpu.Enter(kcompactd, CpuMode.Kernel))
        using (machine.Tracer.Enter("compact_zone"))
        {
            var migratepages = IsolateMigratepagesBlock(machine, zone, startPfn, endPfn);
            var isolated = migratepages.Count;
            var freeCursor = zone.Node.EndPfn;
            Migrate.MigratePages(machine, migratepages, src => CompactionAlloc(machine, zone, startPfn, endPfn, ref freeCursor),
                MigrateMode.SyncLight, MigrateReason.Compaction, out var migrated);
            if (migratepages.Count > 0)
            {
                Migrate.PutbackMovablePages(machine, migratepages);
            }

            return new CompactionResult(isolated, migrated, isolated - migrated);
        }
    }

    /// <summary>
    /// isolate_migratepages_block(): the order-0 LRU folios in the range, skipping any with more references than
    /// mappings (pinned or otherwise held).
    /// </summary>
    [KernelSymbol("mm/compaction.c", "isolate_migratepages_block")]
    private static List<Folio> IsolateMigratepagesBlock(Machine machine, Zone zone, ulong startPfn, ulong endPfn)
    {
        using (machine.Tracer.Enter("isolate_migratepages_block"))
        {
            var list = new List<Folio>();
            for (var pfn = Math.Max(startPfn, zone.Node.StartPfn); pfn < Math.Min(endPfn, zone.Node.EndPfn); pfn++)
            {
                if (machine.Memory.PeekPage(pfn) is not { CompoundHead: null, Order: 0 } page)
                {
                    continue;
                }

                var folio = page.Folio;
                var cacheRefs = (folio.Mapping is AddressSpace ? 1 : 0) + (folio.Test(PageFlags.Swapcache) ? 1 : 0);
                if (!folio.Test(PageFlags.Lru) || folio.RefCount > folio.MapCount + cacheRefs || !Migrate.IsolateFolio(folio))
                {
                    continue;
                }

                list.Add(folio);
            }

            return list;
        }
    }

    /// <summary>
    /// compaction_alloc(): the free scanner's next free page, searched downwards from the end of the zone and
    /// outside the range being compacted; null when it meets the range.
    /// </summary>
    [KernelSymbol("mm/compaction.c", "compaction_alloc")]
    private static Folio? CompactionAlloc(Machine machine, Zone zone, ulong startPfn, ulong endPfn, ref ulong cursor)
    {
        using (machine.Tracer.Enter("compaction_alloc"))
        {
            while (cursor > zone.Node.StartPfn)
            {
                var pfn = --cursor;
                if (pfn >= startPfn && pfn < endPfn)
                {
                    cursor = startPfn;
                    continue;
                }

                if (machine.Memory.PeekPage(pfn)?.IsHwpoison == true || !zone.TakePageOffBuddy(pfn))
                {
                    continue;
                }

                var page = machine.Memory.PfnToPage(pfn);
                page.Flags = PageFlags.None;
                page.Type = PageType.None;
                page.Mapping = null;
                page.MapCount = 0;
                page.Order = 0;
                page.CompoundHead = null;
                page.RefCount = 1;
                return page.Folio;
            }

            return null;
        }
    }
}
