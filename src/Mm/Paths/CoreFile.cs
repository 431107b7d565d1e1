namespace KernelModel.Mm;

/// <summary>A core file as the dump writes it: pages at their file offsets, holes skipped (dump_skip), and how it ended.</summary>
public sealed class CoreFile
{
    private readonly List<(long Offset, byte[] Data)> _pages = [];

    /// <summary>The file size: everything written or skipped so far.</summary>
    public long Size { get; private set; }

    /// <summary>The pages written, at their offsets.</summary>
    public IReadOnlyList<(long Offset, byte[] Data)> Pages => _pages;

    /// <summary>Whether the dump stopped before all VMAs were written (dump_user_range returned 0).</summary>
    public bool Truncated { get; internal set; }

    /// <summary>Appends a page.</summary>
    internal void Emit(byte[] page)
    {
        _pages.Add((Size, page));
        Size += page.Length;
    }

    /// <summary>dump_skip(): a hole of <paramref name="bytes"/>.</summary>
    [KernelSymbol("fs/coredump.c", "dump_skip")]
    internal void Skip(long bytes) => Size += bytes;
}
