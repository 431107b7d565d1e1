namespace KernelModel.Mm;

/// <summary>
/// address_space (include/linux/fs.h): a file's cached folios by index (i_pages), the VMAs that map it
/// (i_mmap) and its writeback error sequence (wb_err, an errseq_t), which fsync reports once per open file.
/// </summary>
[KernelSymbol("include/linux/fs.h", "address_space")]
public sealed class AddressSpace(Inode host) : IPageMapping
{
    /// <inheritdoc />
    public bool IsAnon => false;

    /// <summary>The owning inode.</summary>
    public Inode Host { get; } = host;

    /// <summary>i_pages: folios by their first page index.</summary>
    public SortedDictionary<ulong, Folio> Pages { get; } = [];

    /// <summary>i_mmap: the VMAs mapping this file.</summary>
    public List<Vma> IMmap { get; } = [];

    /// <summary>wb_err's sequence: bumped each time a writeback error is recorded.</summary>
    public int WbErrSequence { get; private set; }

    /// <summary>wb_err's errno (positive), 0 when no error was ever recorded.</summary>
    public int WbErrno { get; private set; }

    /// <summary>mapping_set_error() / errseq_set(): records a writeback error that fsync will report.</summary>
    [KernelSymbol("include/linux/pagemap.h", "mapping_set_error")]
    public void SetError(int errno)
    {
        WbErrno = Math.Abs(errno);
        WbErrSequence++;
    }

    /// <summary>The folio caching <paramref name="index"/> (a large folio covers several indices), or null.</summary>
    [KernelSymbol("mm/filemap.c", "filemap_get_folio")]
    public Folio? Lookup(ulong index)
    {
        foreach (var (start, folio) in Pages.Reverse())
        {
            if (start <= index)
            {
                return index < start + folio.NrPages ? folio : null;
            }
        }

        return null;
    }
}
