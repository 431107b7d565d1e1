namespace KernelModel.Mm;

/// <summary>
/// One exception-table entry (struct exception_table_entry): the faulting site, the entry type as the
/// architecture names and numbers it, and where the fixup resumes.
/// </summary>
/// <param name="Site">The instruction the entry covers.</param>
/// <param name="Type">The entry type's kernel name, e.g. <c>EX_TYPE_FIXUP</c>.</param>
/// <param name="TypeValue">The entry type's kernel value.</param>
/// <param name="Fixup">The fixup label, e.g. <c>6f</c>, and what it does.</param>
[KernelSymbol("include/linux/extable.h", "exception_table_entry")]
public sealed record ExtableEntry(CodeSite Site, string Type, int TypeValue, string Fixup);
