namespace KernelModel.Mm;

/// <summary>What one compaction pass over a range did.</summary>
/// <param name="Isolated">Folios the migration scanner isolated.</param>
/// <param name="Migrated">Folios moved to free pages from the free scanner.</param>
/// <param name="Failed">Folios that did not move and were put back where they were.</param>
public sealed record CompactionResult(int Isolated, int Migrated, int Failed);
