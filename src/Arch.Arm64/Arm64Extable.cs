using KernelModel.Mm;

namespace KernelModel.Arch.Arm64;

/// <summary>
/// The exception table of the modelled arm64 routines (data, listable) and the two ways arch/arm64/mm/extable.c
/// reads it: fixup_exception() for translation and permission faults, and the series' fixup_exception_me()
/// for a synchronous external abort that APEI has claimed. The memory-error kind is the difference: the
/// fault path ignores it (a NULL pointer in copy_to_user still oopses), the abort path takes it.
/// </summary>
public sealed class Arm64Extable
{
    private readonly Arm64ExtableKinds _kinds;
    private readonly HashSet<CodeSite> _memErr;

    /// <summary>Builds the table of a profile's options.</summary>
    public Arm64Extable(Arm64Options options)
    {
        _kinds = Arm64ExtableKinds.For(options);
        var entries = CopyToUser.ExtableEntries(_kinds, options.ArchHasCopyMc).ToList();
        entries.AddRange(CopyFromUser.ExtableEntries(_kinds));
        entries.AddRange(Arm64Uaccess.ExtableEntries(_kinds));
        if (options.ArchHasCopyMc)
        {
            entries.AddRange(MemcpyMc.ExtableEntries(_kinds));
            entries.AddRange(CopyMcPage.ExtableEntries(_kinds, options.Mops));
            entries.AddRange(MteCopyMcPageTags.ExtableEntries(_kinds));
        }

        Table = new ExceptionTable(entries);
        // The modelled routines emit no plain KACCESS_ERR_ZERO entry (the nofault accessors are not modelled), so
        // under the v14 reuse every entry of that type here is a KERNEL_MEM_ERR one.
        _memErr = entries.Where(e => e.Type == _kinds.KernelMemErr.Name).Select(e => e.Site).ToHashSet();
    }

    /// <summary>Every entry, routine by routine.</summary>
    public ExceptionTable Table { get; }

    /// <summary>Whether an entry is of the memory-error-only kind (KERNEL_MEM_ERR).</summary>
    public bool IsMemErr(ExtableEntry entry) => _memErr.Contains(entry.Site);

    /// <summary>
    /// fixup_exception(): the entry a translation or permission fault at the site takes, or null. The uaccess
    /// kind is handled (ex_handler_uaccess_err_zero); the memory-error kind is not ("return false").
    /// </summary>
    [KernelSymbol("arch/arm64/mm/extable.c", "fixup_exception")]
    public ExtableEntry? FixupException(CodeSite site) =>
        Table.Search(site) is { } ex && !IsMemErr(ex) ? ex : null;

    /// <summary>
    /// fixup_exception_me(): the entry a claimed synchronous external abort at the site takes, or null. Only
    /// EX_TYPE_UACCESS_ERR_ZERO and the memory-error kind qualify.
    /// </summary>
    [KernelSymbol("arch/arm64/mm/extable.c", "fixup_exception_me")]
    public ExtableEntry? FixupExceptionMe(CodeSite site) =>
        Table.Search(site) is { } ex && (ex.Type == _kinds.UaccessErrZero.Name || IsMemErr(ex)) ? ex : null;
}
