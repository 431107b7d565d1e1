namespace KernelModel.Mm;

/// <summary>enum migrate_mode (include/linux/migrate_mode.h), with the kernel's values.</summary>
[KernelSymbol("include/linux/migrate_mode.h", "migrate_mode")]
public enum MigrateMode
{
    /// <summary>MIGRATE_ASYNC: never block (NUMA balancing, async compaction).</summary>
    Async,

    /// <summary>MIGRATE_SYNC_LIGHT: may block, but not on writeback (kcompactd, direct compaction).</summary>
    SyncLight,

    /// <summary>MIGRATE_SYNC: may block (move_pages, soft offline, memory hot-remove).</summary>
    Sync,
}
